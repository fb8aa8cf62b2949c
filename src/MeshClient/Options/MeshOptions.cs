namespace MeshClient;

/// <summary>
/// The options of MeshClient, bound from a configuration section (by convention <c>Mesh</c>) and validated at start.
/// The README maps each one to the go-chassis key it replaces.
/// </summary>
public sealed class MeshOptions
{
    /// <summary>Pilot (xDS) or Sidecar mode. Default <see cref="MeshMode.Pilot"/>.</summary>
    public MeshMode Mode { get; set; } = MeshMode.Pilot;

    /// <summary>The namespace bare service names are looked up in; default the <c>POD_NAMESPACE</c> environment variable, else <c>default</c>.</summary>
    public string? Namespace { get; set; }

    /// <summary>The app's own identity: its service name and tags, used by route rules' <c>source</c> and <c>sourceTags</c>.</summary>
    public MeshServiceOptions Service { get; set; } = new();

    /// <summary>The connection to Pilot.</summary>
    public MeshPilotOptions Pilot { get; set; } = new();

    /// <summary>The node identity sent to Pilot.</summary>
    public MeshNodeOptions Node { get; set; } = new();

    /// <summary>Route rules, DestinationRules and the load-balancing strategy.</summary>
    public MeshRoutingOptions Routing { get; set; } = new();

    /// <summary>Retries of failed calls.</summary>
    public MeshRetryOptions Retry { get; set; } = new();

    /// <summary>Passive outlier ejection of failing endpoints.</summary>
    public MeshOutlierDetectionOptions OutlierDetection { get; set; } = new();

    /// <summary>Sidecar mode's address rule.</summary>
    public MeshSidecarOptions Sidecar { get; set; } = new();

    /// <summary>The workload certificate for Istio mutual TLS to peers (ISTIO_MUTUAL).</summary>
    public MeshWorkloadOptions Workload { get; set; } = new();

    /// <summary>The timeout of one call attempt through the mesh; <see langword="null"/> for none. Default 30 s.</summary>
    public TimeSpan? Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Values of the configuration section that could not be converted, each naming the key; start-up fails with them.</summary>
    internal List<string> ConfigurationErrors { get; } = [];

    /// <summary>Keys of the configuration section that are no option, each naming the nearest known key; logged at start.</summary>
    internal List<string> ConfigurationWarnings { get; } = [];
}
