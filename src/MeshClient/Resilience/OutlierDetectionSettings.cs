
namespace MeshClient.Resilience;

/// <summary>The validated settings of <see cref="OutlierDetector"/>.</summary>
internal sealed record OutlierDetectionSettings(int ConsecutiveFailures, TimeSpan BaseEjectionTime, TimeSpan MaxEjectionTime, int MaxEjectionPercent)
{
    public static OutlierDetectionSettings Default { get; } = new(5, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(300), 50);

    /// <summary>Validates the options; <see langword="null"/> when ejection is off.</summary>
    /// <param name="options">The options (<c>Mesh:OutlierDetection</c>).</param>
    /// <returns>The settings, or <see langword="null"/> when <see cref="MeshOutlierDetectionOptions.Enabled"/> is off.</returns>
    /// <exception cref="ArgumentException">A value is out of range; the message names the key.</exception>
    public static OutlierDetectionSettings? FromOptions(MeshOutlierDetectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return null;
        }

        if (options.ConsecutiveFailures < 1)
        {
            throw new ArgumentException($"Mesh:OutlierDetection:ConsecutiveFailures is {options.ConsecutiveFailures}: it must be 1 or more.", nameof(options));
        }

        if (options.BaseEjectionTime <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Mesh:OutlierDetection:BaseEjectionTime is {options.BaseEjectionTime}: it must be more than zero.", nameof(options));
        }

        if (options.MaxEjectionTime < options.BaseEjectionTime)
        {
            throw new ArgumentException($"Mesh:OutlierDetection:MaxEjectionTime is {options.MaxEjectionTime}: it must not be less than BaseEjectionTime ({options.BaseEjectionTime}).", nameof(options));
        }

        if (options.MaxEjectionPercent is < 0 or > 100)
        {
            throw new ArgumentException($"Mesh:OutlierDetection:MaxEjectionPercent is {options.MaxEjectionPercent}: it must be 0 to 100.", nameof(options));
        }

        return new OutlierDetectionSettings(options.ConsecutiveFailures, options.BaseEjectionTime, options.MaxEjectionTime, options.MaxEjectionPercent);
    }
}
