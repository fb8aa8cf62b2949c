using MeshClient.LoadBalancing;

namespace MeshClient.Resilience;

/// <summary>The delay before a retry, by go-chassis backoff kind.</summary>
internal static class RetryBackoffDelay
{
    /// <summary>The delay before retry number <paramref name="retryIndex"/> (0 for the first retry).</summary>
    /// <param name="settings">The retry settings.</param>
    /// <param name="retryIndex">0 for the first retry, 1 for the second, and so on.</param>
    /// <param name="random">The random numbers of jittered backoff.</param>
    /// <returns>
    /// Zero: no delay; Constant: the minimum; Jittered: a uniformly random delay from the minimum up to the maximum;
    /// Exponential: the minimum doubled for each earlier retry, at most the maximum.
    /// </returns>
    public static TimeSpan Compute(RetrySettings settings, int retryIndex, IRandomSource random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retryIndex);
        var min = settings.BackoffMin;
        var max = settings.BackoffMax < min ? min : settings.BackoffMax;
        switch (settings.Backoff)
        {
            case MeshRetryBackoff.Constant:
                return min;
            case MeshRetryBackoff.Jittered:
                return min + TimeSpan.FromTicks((long)((max - min).Ticks * random.NextDouble()));
            case MeshRetryBackoff.Exponential:
                var ticks = min.Ticks;
                for (var i = 0; i < retryIndex && ticks < max.Ticks; i++)
                {
                    ticks = ticks > max.Ticks / 2 ? max.Ticks : ticks * 2;
                }

                return TimeSpan.FromTicks(Math.Min(ticks, max.Ticks));
            default:
                return TimeSpan.Zero;
        }
    }
}
