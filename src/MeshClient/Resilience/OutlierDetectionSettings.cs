namespace MeshClient.Resilience;

/// <summary>The validated settings of <see cref="OutlierDetector"/>.</summary>
internal sealed record OutlierDetectionSettings(int ConsecutiveFailures, TimeSpan BaseEjectionTime, TimeSpan MaxEjectionTime, int MaxEjectionPercent)
{
    public static OutlierDetectionSettings Default { get; } = new(5, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(300), 50);
}
