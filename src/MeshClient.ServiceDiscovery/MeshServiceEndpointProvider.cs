using System.Globalization;
using System.Net;
using MeshClient.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.ServiceDiscovery;

namespace MeshClient.ServiceDiscovery;

/// <summary>
/// Resolves one service-discovery query (<c>http://reviews</c>, <c>https+http://reviews</c>,
/// <c>http://_9080.reviews</c>) to the routable endpoints Pilot names for the service, and hands
/// Microsoft.Extensions.ServiceDiscovery a change token that fires when a push changes that set.
/// </summary>
/// <remarks>
/// Endpoints configured under <c>Services:NAME</c> win: when an earlier provider already added endpoints, this one
/// adds none. A service with several ports needs the port as the endpoint name (<c>_9080.reviews</c>); without it, or
/// for a service Pilot does not name, it adds nothing and the next provider (pass-through) answers, while the change
/// token still fires when Pilot's pushes change what this provider would resolve.
/// </remarks>
internal sealed partial class MeshServiceEndpointProvider : IServiceEndpointProvider
{
    private readonly MeshRegistry _registry;
    private readonly ServiceEndpointQuery _query;
    private readonly string _defaultNamespace;
    private readonly ILogger _logger;
    private readonly string _scheme;
    private MeshEndpointsChangeToken? _current;

    public MeshServiceEndpointProvider(MeshRegistry registry, ServiceEndpointQuery query, string defaultNamespace, ILogger logger)
    {
        _registry = registry;
        _query = query;
        _defaultNamespace = defaultNamespace;
        _logger = logger;

        // Pilot's endpoints are the pods' plaintext ports (in Istio the sidecars, not the apps, add mTLS), so
        // https+http picks http; a query that allows https only keeps it.
        _scheme = query.IncludedSchemes.Count == 0 || query.IncludedSchemes.Contains("http", StringComparer.OrdinalIgnoreCase)
            ? "http"
            : query.IncludedSchemes[0];
    }

    public ValueTask PopulateAsync(IServiceEndpointBuilder endpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.Endpoints.Count != 0)
        {
            Log.SkippedForEarlierProvider(_logger, _query.ToString()!);
            return default;
        }

        // Register for the next change before reading, so a push between the two is not missed.
        var changed = new MeshEndpointsChangeToken(_registry, Resolve);
        Interlocked.Exchange(ref _current, changed)?.Dispose();
        var resolved = changed.Resolved;
        endpoints.AddChangeToken(changed);
        foreach (var endpoint in resolved)
        {
            var serviceEndpoint = ServiceEndpoint.Create(new UriEndPoint(Uri(endpoint)));
            serviceEndpoint.Features.Set<IServiceEndpointProvider>(this);
            endpoints.Endpoints.Add(serviceEndpoint);
        }

        if (resolved.Count == 0)
        {
            Log.NoEndpoints(_logger, _query.ToString()!, _registry.Version);
        }
        else
        {
            Log.Resolved(_logger, _query.ToString()!, resolved.Count, _registry.Version);
        }

        return default;
    }

    public ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _current, null)?.Dispose();
        return default;
    }

    public override string ToString() => "MeshClient (Istio Pilot)";

    /// <summary>The routable endpoints of the queried service port in <paramref name="snapshot"/>, in Pilot's order.</summary>
    internal IReadOnlyList<MeshEndpoint> Resolve(RegistrySnapshot snapshot)
    {
        int? port = int.TryParse(_query.EndpointName, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;
        if (!snapshot.TryFindService(_query.ServiceName, port, _defaultNamespace, out var service) || service.AllEndpoints is not { } all)
        {
            return [];
        }

        return [.. all.Endpoints.Where(e => e.IsRoutable)];
    }

    private Uri Uri(MeshEndpoint endpoint)
    {
        var host = IPAddress.TryParse(endpoint.Address, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{endpoint.Address}]"
            : endpoint.Address;
        return new Uri(string.Create(CultureInfo.InvariantCulture, $"{_scheme}://{host}:{endpoint.Port}"));
    }
}
