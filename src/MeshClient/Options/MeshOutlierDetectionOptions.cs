namespace MeshClient;

/// <summary>
/// Passive outlier ejection, as Envoy does it: an endpoint with <see cref="ConsecutiveFailures"/> connection failures
/// or 5xx in a row is ejected for <see cref="BaseEjectionTime"/> times the number of times it has been ejected,
/// at most <see cref="MaxEjectionTime"/>; never more than <see cref="MaxEjectionPercent"/> of a service's endpoints
/// at once. When every endpoint is ejected, calls go to all of them rather than fail.
/// </summary>
public sealed class MeshOutlierDetectionOptions
{
    /// <summary>Whether ejection is on. Default <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Failures in a row that eject an endpoint. Default 5.</summary>
    public int ConsecutiveFailures { get; set; } = 5;

    /// <summary>The ejection time of a first ejection. Default 30 s.</summary>
    public TimeSpan BaseEjectionTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest ejection time. Default 300 s.</summary>
    public TimeSpan MaxEjectionTime { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>The largest share of a service's endpoints ejected at once, in percent. Default 50.</summary>
    public int MaxEjectionPercent { get; set; } = 50;
}
