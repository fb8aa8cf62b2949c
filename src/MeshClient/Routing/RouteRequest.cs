namespace MeshClient.Routing;

/// <summary>What the router needs to know about a call besides its headers.</summary>
public readonly struct RouteRequest
{
    /// <summary>Describes a call.</summary>
    /// <param name="service">
    /// The target service as the caller names it: <c>reviews</c> (in the router's default namespace),
    /// <c>reviews.default</c>, or the FQDN; the name also selects the rules of <c>routeRule.&lt;service&gt;</c>.
    /// </param>
    /// <param name="port">The service port, or <see langword="null"/> when the service has exactly one.</param>
    /// <param name="sourceService">The caller's own service name, tested by <c>match.source</c>.</param>
    /// <param name="sourceTags">The caller's own tags, tested by <c>match.sourceTags</c>.</param>
    public RouteRequest(string service, int? port = null, string? sourceService = null, IReadOnlyDictionary<string, string>? sourceTags = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        Service = service;
        Port = port;
        SourceService = sourceService;
        SourceTags = sourceTags;
    }

    /// <summary>The target service as the caller names it.</summary>
    public string Service { get; }

    /// <summary>The service port, or <see langword="null"/> when the service has exactly one.</summary>
    public int? Port { get; }

    /// <summary>The caller's own service name.</summary>
    public string? SourceService { get; }

    /// <summary>The caller's own tags.</summary>
    public IReadOnlyDictionary<string, string>? SourceTags { get; }
}
