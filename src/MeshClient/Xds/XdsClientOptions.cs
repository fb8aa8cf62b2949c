using System.Globalization;
using System.Net;

namespace MeshClient.Xds;

/// <summary>
/// Options of the xDS (ADS) client: the API version, how the client identifies itself to Pilot (the Istio node
/// identity), and its timing (does-not-exist timeout, reconnect backoff). The Pilot address belongs to the transport.
/// </summary>
internal sealed class XdsClientOptions
{
    /// <summary>The default of <see cref="ClusterId"/>.</summary>
    public const string DefaultClusterId = "Kubernetes";

    /// <summary>The default of <see cref="DnsDomain"/>.</summary>
    public const string DefaultDnsDomain = "svc.cluster.local";

    /// <summary>The default of <see cref="IstioVersion"/>.</summary>
    public const string DefaultIstioVersion = "1.20.0";

    /// <summary>The xDS API version; <see cref="XdsVersion.V3"/> by default.</summary>
    public XdsVersion Version { get; set; } = XdsVersion.V3;

    /// <summary>
    /// The pod name in the node id. When <see langword="null"/>: the <c>POD_NAME</c> environment variable, then the host name.
    /// </summary>
    public string? PodName { get; set; }

    /// <summary>
    /// The pod's namespace in the node id and metadata. When <see langword="null"/>: the <c>POD_NAMESPACE</c>
    /// environment variable, then <c>default</c>.
    /// </summary>
    public string? PodNamespace { get; set; }

    /// <summary>
    /// The pod's IP address in the node id and metadata. When <see langword="null"/>: the <c>INSTANCE_IP</c>
    /// environment variable, then the first non-loopback IPv4 address of this machine.
    /// </summary>
    public string? InstanceIp { get; set; }

    /// <summary>
    /// The region of this workload, sent in the node's locality so istiod orders endpoints by distance (locality
    /// failover). When region, zone and sub-zone are all <see langword="null"/>: the pod label
    /// <c>topology.istio.io/locality</c> (or the older <c>istio-locality</c>) among <see cref="Labels"/>,
    /// <c>region.zone.subzone</c>; else no locality is sent and istiod takes the pod's node topology labels.
    /// </summary>
    public string? Region { get; set; }

    /// <summary>The zone of this workload, sent in the node's locality; see <see cref="Region"/>.</summary>
    public string? Zone { get; set; }

    /// <summary>The sub-zone of this workload, sent in the node's locality; see <see cref="Region"/>.</summary>
    public string? SubZone { get; set; }

    /// <summary>The Kubernetes cluster id sent as node metadata <c>CLUSTER_ID</c>; <c>Kubernetes</c> by default.</summary>
    public string ClusterId { get; set; } = DefaultClusterId;

    /// <summary>The Istio version sent as node metadata <c>ISTIO_VERSION</c>; Pilot shapes its answers by it.</summary>
    public string IstioVersion { get; set; } = DefaultIstioVersion;

    /// <summary>The application's own labels (tags), sent as node metadata <c>LABELS</c>.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// The cluster DNS domain, the last part of the node id
    /// <c>sidecar~IP~POD.NAMESPACE~NAMESPACE.svc.cluster.local</c>; <c>svc.cluster.local</c> by default.
    /// </summary>
    public string DnsDomain { get; set; } = DefaultDnsDomain;

    /// <summary>
    /// How long a requested endpoint (EDS) resource may be missing, while connected, before it is reported as not
    /// existing; 15 seconds by default. <see cref="Timeout.InfiniteTimeSpan"/> turns the report off.
    /// </summary>
    public TimeSpan ResourceDoesNotExistTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The delay before the first reconnect; 1 second by default.</summary>
    public TimeSpan ReconnectInitialDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The factor by which each further reconnect delay grows; 1.6 by default.</summary>
    public double ReconnectMultiplier { get; set; } = 1.6;

    /// <summary>The longest reconnect delay, jitter included; 30 seconds by default.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The random spread of each reconnect delay, as a fraction: 0.2 (the default) spreads a delay d over
    /// [0.8 d, 1.2 d], capped at <see cref="ReconnectMaxDelay"/>.
    /// </summary>
    public double ReconnectJitter { get; set; } = 0.2;

    /// <summary>State of the world (the default) or incremental (delta) xDS; delta needs <see cref="XdsVersion.V3"/>.</summary>
    public XdsProtocol Protocol { get; set; } = XdsProtocol.StateOfTheWorld;

    /// <summary>
    /// Whether EDS is subscribed only for the services the app uses (on first use, reported through
    /// <see cref="Registry.MeshRegistry"/>), and unsubscribed after <see cref="OnDemandIdleTimeout"/> without use.
    /// </summary>
    public bool OnDemandEndpoints { get; set; }

    /// <summary>With <see cref="OnDemandEndpoints"/>: how long a service may go unused before its EDS is unsubscribed; 5 minutes by default.</summary>
    public TimeSpan OnDemandIdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Bounds on what one response may hold (size, clusters, endpoints, labels); safe defaults.</summary>
    public XdsResourceLimits Limits { get; set; } = new();

    /// <summary>Checks every option.</summary>
    /// <returns>One message per invalid option, naming the option, its value and the rule; empty when all are valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(Version))
        {
            errors.Add($"{nameof(Version)} is {(int)Version}; use {nameof(XdsVersion.V2)} or {nameof(XdsVersion.V3)}.");
        }

        if (!Enum.IsDefined(Protocol))
        {
            errors.Add($"{nameof(Protocol)} is {(int)Protocol}; use {nameof(XdsProtocol.StateOfTheWorld)} or {nameof(XdsProtocol.Delta)}.");
        }
        else if (Protocol == XdsProtocol.Delta && Version == XdsVersion.V2)
        {
            errors.Add($"{nameof(Protocol)} is {nameof(XdsProtocol.Delta)}, which needs {nameof(Version)} {nameof(XdsVersion.V3)}: incremental xDS is spoken over v3 only.");
        }

        if (OnDemandIdleTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(OnDemandIdleTimeout)} is {Format(OnDemandIdleTimeout)}; it must be positive.");
        }

        CheckNodeIdPart(errors, nameof(PodName), PodName);
        CheckNodeIdPart(errors, nameof(PodNamespace), PodNamespace);
        if (InstanceIp is not null && !IPAddress.TryParse(InstanceIp, out _))
        {
            errors.Add($"{nameof(InstanceIp)} \"{InstanceIp}\" is not an IP address.");
        }

        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            errors.Add($"{nameof(ClusterId)} must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(IstioVersion))
        {
            errors.Add($"{nameof(IstioVersion)} must not be empty.");
        }

        if (Labels is null)
        {
            errors.Add($"{nameof(Labels)} must not be null.");
        }
        else
        {
            foreach (var (key, value) in Labels)
            {
                if (string.IsNullOrWhiteSpace(key))
                {
                    errors.Add($"{nameof(Labels)} has an empty key.");
                }
                else if (value is null)
                {
                    errors.Add($"{nameof(Labels)}[\"{key}\"] must not be null.");
                }
            }
        }

        if (string.IsNullOrWhiteSpace(DnsDomain) || DnsDomain.StartsWith('.') || DnsDomain.EndsWith('.') || DnsDomain.Contains('~', StringComparison.Ordinal))
        {
            errors.Add($"{nameof(DnsDomain)} \"{DnsDomain}\" must be a domain such as \"{DefaultDnsDomain}\" (not empty, no leading or trailing dot, no '~').");
        }

        if (ResourceDoesNotExistTimeout <= TimeSpan.Zero && ResourceDoesNotExistTimeout != Timeout.InfiniteTimeSpan)
        {
            errors.Add($"{nameof(ResourceDoesNotExistTimeout)} is {Format(ResourceDoesNotExistTimeout)}; it must be positive (or Timeout.InfiniteTimeSpan to turn it off).");
        }

        if (ReconnectInitialDelay <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(ReconnectInitialDelay)} is {Format(ReconnectInitialDelay)}; it must be positive.");
        }

        if (double.IsNaN(ReconnectMultiplier) || ReconnectMultiplier < 1 || double.IsInfinity(ReconnectMultiplier))
        {
            errors.Add($"{nameof(ReconnectMultiplier)} is {ReconnectMultiplier.ToString(CultureInfo.InvariantCulture)}; it must be at least 1.");
        }

        if (ReconnectMaxDelay < ReconnectInitialDelay)
        {
            errors.Add($"{nameof(ReconnectMaxDelay)} is {Format(ReconnectMaxDelay)}; it must be at least {nameof(ReconnectInitialDelay)} ({Format(ReconnectInitialDelay)}).");
        }

        if (double.IsNaN(ReconnectJitter) || ReconnectJitter is < 0 or >= 1)
        {
            errors.Add($"{nameof(ReconnectJitter)} is {ReconnectJitter.ToString(CultureInfo.InvariantCulture)}; it must be from 0 up to (not including) 1.");
        }

        if (Limits is null)
        {
            errors.Add($"{nameof(Limits)} must not be null.");
        }
        else
        {
            errors.AddRange(Limits.Validate());
        }

        return errors;
    }

    /// <summary>Throws when an option is invalid.</summary>
    /// <exception cref="ArgumentException">One or more options are invalid; the message lists each.</exception>
    public void ThrowIfInvalid()
    {
        var errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid xDS client options: " + string.Join(" ", errors));
        }
    }

    private static void CheckNodeIdPart(List<string> errors, string name, string? value)
    {
        if (value is null)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(value) || value.Contains('~', StringComparison.Ordinal))
        {
            errors.Add($"{name} \"{value}\" must be non-empty and must not contain '~' (it is part of the node id), or null for the default.");
        }
    }

    private static string Format(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
