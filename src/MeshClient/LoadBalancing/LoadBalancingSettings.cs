namespace MeshClient.LoadBalancing;

/// <summary>What the strategies share: random numbers, the clock, and the strategy options in timestamp units.</summary>
internal sealed class LoadBalancingSettings
{
    public LoadBalancingSettings(IRandomSource random, TimeProvider time, TimeSpan sessionTimeout, int sessionFailures, TimeSpan responseTimeWindow)
    {
        Random = random;
        Time = time;
        SessionTimeoutTicks = ToTicks(time, sessionTimeout);
        SessionFailures = Math.Max(1, sessionFailures);
        ResponseTimeWindowTicks = Math.Max(1, ToTicks(time, responseTimeWindow));
        WeightRefreshTicks = Math.Max(1, Math.Min(ResponseTimeWindowTicks, ToTicks(time, TimeSpan.FromSeconds(1))));
    }

    public IRandomSource Random { get; }

    public TimeProvider Time { get; }

    public long SessionTimeoutTicks { get; }

    /// <summary>Successive failures of its endpoint after which a session moves.</summary>
    public int SessionFailures { get; }

    public long ResponseTimeWindowTicks { get; }

    /// <summary>How often WeightedResponse recomputes its weights.</summary>
    public long WeightRefreshTicks { get; }

    private static long ToTicks(TimeProvider time, TimeSpan span) =>
        (long)(span.TotalSeconds * time.TimestampFrequency);
}
