namespace MeshClient.Resilience;

/// <summary>
/// Reuses the <see cref="CancellationTokenSource"/>s of call timeouts (Mesh:Timeout): a source whose timer has not
/// fired is disarmed and reset (<see cref="CancellationTokenSource.TryReset"/>) when its call ends, and armed again by
/// the next call, so a call allocates neither a source nor its timer. A source that fired, or that cannot be reset, is
/// disposed. Lock-free; holds at most <see cref="Capacity"/> idle sources.
/// </summary>
internal sealed class TimeoutSourcePool
{
    /// <summary>The most idle sources kept: enough for the calls in flight of a busy client.</summary>
    public const int Capacity = 64;

    private readonly TimeProvider _time;
    private readonly CancellationTokenSource?[] _idle = new CancellationTokenSource?[Capacity];

    public TimeoutSourcePool(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>A source that cancels after <paramref name="timeout"/> on the pool's clock.</summary>
    public CancellationTokenSource Rent(TimeSpan timeout)
    {
        var idle = _idle;
        for (var i = 0; i < idle.Length; i++)
        {
            if (Volatile.Read(ref idle[i]) is { } candidate && Interlocked.CompareExchange(ref idle[i], null, candidate) == candidate)
            {
                if (!candidate.IsCancellationRequested)
                {
                    candidate.CancelAfter(timeout);
                    return candidate;
                }

                candidate.Dispose();
            }
        }

        return new CancellationTokenSource(timeout, _time);
    }

    /// <summary>
    /// Takes back a source whose call has ended (nothing may use its token any more): kept when its timer can be
    /// disarmed before it fired, otherwise disposed.
    /// </summary>
    public void Return(CancellationTokenSource source)
    {
        ArgumentNullException.ThrowIfNull(source);

        // TryReset disarms the timer itself (one timer change, under the timer queue's lock) and fails once the source
        // is cancelled; a separate CancelAfter(Infinite) first would take that lock a second time per call. On another
        // TimeProvider than System (a FakeTimeProvider), TryReset always fails: such sources are disposed, never reused.
        if (source.TryReset() && !source.IsCancellationRequested)
        {
            var idle = _idle;
            for (var i = 0; i < idle.Length; i++)
            {
                if (Volatile.Read(ref idle[i]) is null && Interlocked.CompareExchange(ref idle[i], source, null) is null)
                {
                    return;
                }
            }
        }

        source.Dispose();
    }
}
