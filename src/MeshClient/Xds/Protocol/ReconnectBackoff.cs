namespace MeshClient.Xds.Protocol;

/// <summary>
/// Exponential reconnect backoff with jitter: the base delay starts at the initial delay and grows by the multiplier
/// up to the maximum; each delay is the base spread by ±jitter, rounded to whole milliseconds and capped at the
/// maximum. Not thread-safe.
/// </summary>
internal sealed class ReconnectBackoff
{
    private readonly TimeSpan _initial;
    private readonly double _multiplier;
    private readonly TimeSpan _max;
    private readonly double _jitter;
    private readonly Func<double> _random;
    private TimeSpan _next;

    /// <summary>Creates a backoff.</summary>
    /// <param name="initial">The first base delay.</param>
    /// <param name="multiplier">The growth factor of the base delay.</param>
    /// <param name="max">The cap of every delay.</param>
    /// <param name="jitter">The spread, a fraction from 0 to 1.</param>
    /// <param name="random">Returns a number in [0, 1); a spread of r gives a factor of 1 + jitter * (2r - 1).</param>
    public ReconnectBackoff(TimeSpan initial, double multiplier, TimeSpan max, double jitter, Func<double> random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(initial, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(multiplier, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, initial);
        ArgumentOutOfRangeException.ThrowIfNegative(jitter);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(jitter, 1);
        ArgumentNullException.ThrowIfNull(random);
        _initial = initial;
        _multiplier = multiplier;
        _max = max;
        _jitter = jitter;
        _random = random;
        _next = initial;
    }

    /// <summary>Creates the backoff the options describe.</summary>
    public static ReconnectBackoff FromOptions(XdsClientOptions options, Func<double> random) =>
        new(options.ReconnectInitialDelay, options.ReconnectMultiplier, options.ReconnectMaxDelay, options.ReconnectJitter, random);

    /// <summary>Returns the next delay and grows the base delay.</summary>
    public TimeSpan Next()
    {
        var baseDelay = _next;
        var grown = baseDelay.Ticks * _multiplier;
        _next = grown >= _max.Ticks ? _max : TimeSpan.FromTicks((long)grown);

        // Whole milliseconds: Task.Delay hands the timer whole milliseconds, so the delay computed is the delay waited.
        var r = Math.Clamp(_random(), 0, 1);
        var jitteredMs = Math.Round(baseDelay.TotalMilliseconds * (1 + (_jitter * ((2 * r) - 1))), MidpointRounding.AwayFromZero);
        return jitteredMs >= _max.TotalMilliseconds ? _max : TimeSpan.FromMilliseconds(Math.Max(1, jitteredMs));
    }

    /// <summary>Starts again from the initial delay (after a stream that received data).</summary>
    public void Reset() => _next = _initial;
}
