namespace MeshClient.LoadBalancing;

/// <summary>
/// Prefers endpoints that answered faster over the response-time window: 90% of the calls are shared in proportion
/// to 1 / mean response time, 10% evenly, so every endpoint keeps getting calls and can show it got faster.
/// Endpoints without recent calls count as average. The weights are recomputed at most once per refresh interval.
/// </summary>
internal sealed class WeightedResponseSelector : EndpointSelector
{
    /// <summary>The share of calls spread evenly over all endpoints.</summary>
    internal const double EvenShare = 0.1;

    private readonly LoadBalancingSettings _settings;
    private double[]? _cumulative;
    private long _nextRefresh = long.MinValue;
    private int _refreshing;

    public WeightedResponseSelector(EndpointCandidate[] candidates, LoadBalancingSettings settings)
        : base(candidates)
    {
        _settings = settings;
    }

    public override EndpointCandidate Select(ReadOnlySpan<char> sessionKey)
    {
        var now = _settings.Time.GetTimestamp();
        if (now >= Volatile.Read(ref _nextRefresh) && Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
        {
            try
            {
                Volatile.Write(ref _cumulative, ComputeCumulative(now));
                Volatile.Write(ref _nextRefresh, now + _settings.WeightRefreshTicks);
            }
            finally
            {
                Volatile.Write(ref _refreshing, 0);
            }
        }

        var cumulative = Volatile.Read(ref _cumulative);
        return cumulative is null
            ? Candidates[_settings.Random.Next(Candidates.Length)]
            : Candidates[CumulativeSearch.Find(cumulative, _settings.Random.NextDouble() * cumulative[^1])];
    }

    private double[]? ComputeCumulative(long now)
    {
        var speeds = new double[Candidates.Length];
        double measuredSum = 0;
        var measured = 0;
        for (var i = 0; i < Candidates.Length; i++)
        {
            if (Candidates[i].Statistics.TryGetAverageLatency(now, out var average))
            {
                speeds[i] = 1.0 / Math.Max(average, 1.0);
                measuredSum += speeds[i];
                measured++;
            }
            else
            {
                speeds[i] = double.NaN;
            }
        }

        if (measured == 0)
        {
            return null;
        }

        var neutral = measuredSum / measured;
        double total = 0;
        for (var i = 0; i < speeds.Length; i++)
        {
            if (double.IsNaN(speeds[i]))
            {
                speeds[i] = neutral;
            }

            total += speeds[i];
        }

        var cumulative = new double[speeds.Length];
        double running = 0;
        for (var i = 0; i < speeds.Length; i++)
        {
            running += ((1 - EvenShare) * speeds[i] / total) + (EvenShare / speeds.Length);
            cumulative[i] = running;
        }

        return cumulative;
    }
}
