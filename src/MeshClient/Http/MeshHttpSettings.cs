using System.Collections.Frozen;
using System.Globalization;
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

    /// <summary>Reads and validates the options.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="ArgumentException">A value is out of range; the message names its key (<c>Mesh:Retry:OnNext</c>) and the reason.</exception>
    public static MeshHttpSettings FromOptions(MeshOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var routing = options.Routing ?? new MeshRoutingOptions();
        if (!Enum.IsDefined(routing.UnknownHost))
        {
            throw new ArgumentException($"Mesh:Routing:UnknownHost is {routing.UnknownHost}: it must be PassThrough or Fail.", nameof(options));
        }

        if (options.Timeout is { } timeout && (timeout <= TimeSpan.Zero || timeout.TotalMilliseconds > uint.MaxValue - 1))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Mesh:Timeout is {timeout}: it must be more than zero and at most {TimeSpan.FromMilliseconds(uint.MaxValue - 1)}, or empty for none."),
                nameof(options));
        }

        var service = options.Service ?? new MeshServiceOptions();
        var tags = service.Tags is { Count: > 0 } given ? given.ToFrozenDictionary(StringComparer.Ordinal) : null;
        var sidecar = options.Sidecar ?? new MeshSidecarOptions();
        if (options.Mode == MeshMode.Sidecar && sidecar.CallAddress is { } address)
        {
            ValidateCallAddress(address);
        }

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

    private static void ValidateCallAddress(string address)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            throw new ArgumentException(
                "Mesh:Sidecar:CallAddress is empty: give ':PORT' (joined to the service name), a fixed 'host:port', or leave it out to use ':' plus each request's port.",
                nameof(address));
        }

        var trimmed = address.Trim();
        if (trimmed.StartsWith(':'))
        {
            if (!int.TryParse(trimmed.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                throw new ArgumentException($"Mesh:Sidecar:CallAddress is '{address}': after ':' it needs a port from 1 to 65535.", nameof(address));
            }

            return;
        }

        if (!Uri.TryCreate("http://" + trimmed, UriKind.Absolute, out var parsed) || parsed.PathAndQuery != "/" || !string.IsNullOrEmpty(parsed.UserInfo))
        {
            throw new ArgumentException($"Mesh:Sidecar:CallAddress is '{address}': a fixed address must be 'host' or 'host:port'.", nameof(address));
        }
    }
}
