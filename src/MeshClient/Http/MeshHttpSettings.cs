using System.Collections.Frozen;
using MeshClient.Resilience;

namespace MeshClient.Http;

/// <summary>
/// What the mesh handlers read from <see cref="MeshOptions"/>, validated once: the app's identity, Host header and
/// unknown-host behaviour, the attempt timeout, retries, outlier ejection and the sidecar address rule.
/// </summary>
internal sealed class MeshHttpSettings
{
    private MeshHttpSettings(
        MeshMode mode,
        string? sourceService,
        IReadOnlyDictionary<string, string>? sourceTags,
        bool preserveHostHeader,
        UnknownHostBehavior unknownHost,
        TimeSpan? timeout,
        RetrySettings retry,
        OutlierDetectionSettings? outlierDetection,
        string? sidecarCallAddress,
        string? sidecarNamespace)
    {
        Mode = mode;
        SourceService = sourceService;
        SourceTags = sourceTags;
        PreserveHostHeader = preserveHostHeader;
        UnknownHost = unknownHost;
        Timeout = timeout;
        Retry = retry;
        OutlierDetection = outlierDetection;
        SidecarCallAddress = sidecarCallAddress;
        SidecarNamespace = sidecarNamespace;
    }

    public MeshMode Mode { get; }

    /// <summary>The app's own service name, for route rules' <c>source</c>.</summary>
    public string? SourceService { get; }

    /// <summary>The app's own tags, for route rules' <c>sourceTags</c>; <see langword="null"/> when it has none.</summary>
    public IReadOnlyDictionary<string, string>? SourceTags { get; }

    public bool PreserveHostHeader { get; }

    public UnknownHostBehavior UnknownHost { get; }

    /// <summary>The timeout of one attempt; <see langword="null"/> for none.</summary>
    public TimeSpan? Timeout { get; }

    public RetrySettings Retry { get; }

    /// <summary>The outlier ejection settings; <see langword="null"/> when ejection is off.</summary>
    public OutlierDetectionSettings? OutlierDetection { get; }

    /// <summary>Sidecar mode: the call address; <see langword="null"/> for <c>:</c> plus the request's port.</summary>
    public string? SidecarCallAddress { get; }

    /// <summary>Sidecar mode: the namespace appended to derived hosts; <see langword="null"/> when none is appended.</summary>
    public string? SidecarNamespace { get; }

    /// <summary>Maps the options, which <see cref="MeshOptionsValidator"/> has checked.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The settings.</returns>
    public static MeshHttpSettings FromOptions(MeshOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var routing = options.Routing ?? new MeshRoutingOptions();
        var service = options.Service ?? new MeshServiceOptions();
        var tags = service.Tags is { Count: > 0 } given ? given.ToFrozenDictionary(StringComparer.Ordinal) : null;
        var sidecar = options.Sidecar ?? new MeshSidecarOptions();
        var sidecarNamespace = sidecar.AppendNamespace ? options.ResolveNamespace() : null;

        return new MeshHttpSettings(
            options.Mode,
            string.IsNullOrWhiteSpace(service.Name) ? null : service.Name,
            tags,
            routing.PreserveHostHeader,
            routing.UnknownHost,
            options.Timeout,
            RetrySettings.FromOptions(options.Retry ?? new MeshRetryOptions()),
            OutlierDetectionSettings.FromOptions(options.OutlierDetection ?? new MeshOutlierDetectionOptions()),
            sidecar.CallAddress?.Trim(),
            sidecarNamespace);
    }
}
