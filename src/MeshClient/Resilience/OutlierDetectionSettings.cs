
namespace MeshClient.Resilience;

/// <summary>The validated settings of <see cref="OutlierDetector"/>.</summary>
internal sealed record OutlierDetectionSettings(int ConsecutiveFailures, TimeSpan BaseEjectionTime, TimeSpan MaxEjectionTime, int MaxEjectionPercent)
{
    public static OutlierDetectionSettings Default { get; } = new(5, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(300), 50);

    /// <summary>Maps the options, which <see cref="MeshOptionsValidator"/> has checked; <see langword="null"/> when ejection is off.</summary>
    /// <param name="options">The options (<c>Mesh:OutlierDetection</c>).</param>
    /// <returns>The settings, or <see langword="null"/> when <see cref="MeshOutlierDetectionOptions.Enabled"/> is off.</returns>
    public static OutlierDetectionSettings? FromOptions(MeshOutlierDetectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return null;
        }

        return new OutlierDetectionSettings(options.ConsecutiveFailures, options.BaseEjectionTime, options.MaxEjectionTime, options.MaxEjectionPercent);
    }
}
