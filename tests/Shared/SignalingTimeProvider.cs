using Microsoft.Extensions.Time.Testing;

namespace MeshClient.Tests.Shared;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also says when code under test arms a timer, so a test can wait for that
/// signal (never for a fixed time) before it advances the clock. The clock, timestamps and timers are
/// FakeTimeProvider's; this adds:
/// <list type="bullet">
/// <item><see cref="TimerChanged"/>, <see cref="ArmedTimerCount"/> and <see cref="ArmedDueTimes"/>;</item>
/// <item>an <see cref="Advance"/> that steps from one due timer to the next (each callback sees the clock at its own
/// due time, and a timer it arms on the way fires too when due before the target), as a running clock would;</item>
/// <item>one lock around every operation on the clock's timers, so the timers that fall due in <see cref="Advance"/>
/// always fire on the advancing thread before it returns (FakeTimeProvider alone lets a thread that is changing a timer
/// at that moment fire them instead, later).</item>
/// </list>
/// </summary>
internal sealed class SignalingTimeProvider : TimeProvider
{
    private readonly object _clock = new();
    private readonly object _gate = new();
    private readonly HashSet<SignalingTimer> _armed = [];

    /// <summary>Creates a clock that starts at <paramref name="start"/> (default 2026-01-01T00:00:00Z).</summary>
    /// <param name="start">The first value of <see cref="GetUtcNow"/>.</param>
    public SignalingTimeProvider(DateTimeOffset? start = null)
    {
        Fake = new FakeTimeProvider(start ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    }

    /// <summary>Raised after a timer is created, changed or disposed (not when it fires), on the thread that did it.</summary>
    public event EventHandler? TimerChanged;

    /// <summary>The clock beneath.</summary>
    public FakeTimeProvider Fake { get; }

    /// <summary>The number of timers that are armed: due at a finite time, not yet fired (one-shot) and not disposed.</summary>
    public int ArmedTimerCount
    {
        get
        {
            lock (_gate)
            {
                return _armed.Count;
            }
        }
    }

    /// <summary>The due times the armed timers were last given (each counted from when it was given).</summary>
    public IReadOnlyList<TimeSpan> ArmedDueTimes
    {
        get
        {
            lock (_gate)
            {
                return _armed.Select(t => t.DueTime).ToList();
            }
        }
    }

    /// <inheritdoc />
    public override long TimestampFrequency => Fake.TimestampFrequency;

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

    /// <summary>
    /// Moves the clock forward by <paramref name="delta"/>, stopping at each armed timer's due time on the way; the timers
    /// fire on the calling thread, in due order.
    /// </summary>
    /// <param name="delta">How far to move; not negative.</param>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        lock (_clock)
        {
            var target = Fake.GetUtcNow() + delta;
            while (true)
            {
                var now = Fake.GetUtcNow();
                var next = NextDue(target);
                if (next is null)
                {
                    Fake.Advance(target - now);
                    return;
                }

                Fake.Advance(next.Value > now ? next.Value - now : TimeSpan.Zero);
            }
        }
    }

    /// <summary>Completes when <paramref name="condition"/> holds for <see cref="ArmedDueTimes"/> (checked now and at each change).</summary>
    /// <param name="condition">What the due times of the armed timers must satisfy.</param>
    /// <returns>A task that completes when it holds; bound it with <c>WaitAsync</c>.</returns>
    public Task WaitForTimersAsync(Func<IReadOnlyList<TimeSpan>, bool> condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(object? sender, EventArgs e)
        {
            if (condition(ArmedDueTimes))
            {
                TimerChanged -= OnChanged;
                reached.TrySetResult();
            }
        }

        TimerChanged += OnChanged;
        OnChanged(this, EventArgs.Empty);
        return reached.Task;
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

    /// <inheritdoc />
    public override long GetTimestamp() => Fake.GetTimestamp();

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new SignalingTimer(this, callback, state);
        lock (_clock)
        {
            timer.Inner = Fake.CreateTimer(static s => ((SignalingTimer)s!).Fire(), timer, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    private DateTimeOffset? NextDue(DateTimeOffset target)
    {
        lock (_gate)
        {
            DateTimeOffset? next = null;
            foreach (var timer in _armed)
            {
                if (timer.DueAt <= target && (next is null || timer.DueAt < next))
                {
                    next = timer.DueAt;
                }
            }

            return next;
        }
    }

    private bool Change(SignalingTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        bool changed;
        lock (_clock)
        {
            // Recorded before the clock's timer changes, as a due time of zero fires inside Change.
            lock (_gate)
            {
                timer.DueTime = dueTime;
                timer.Period = period;
                timer.DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : Fake.GetUtcNow() + dueTime;
                if (timer.DueAt is null)
                {
                    _armed.Remove(timer);
                }
                else
                {
                    _armed.Add(timer);
                }
            }

            changed = timer.Inner!.Change(dueTime, period);
        }

        // Announced once the clock's timer is set, so a test that advances on the signal finds it armed.
        TimerChanged?.Invoke(this, EventArgs.Empty);
        return changed;
    }

    private void Fired(SignalingTimer timer)
    {
        lock (_gate)
        {
            if (timer.Period == Timeout.InfiniteTimeSpan || timer.Period == TimeSpan.Zero)
            {
                timer.DueAt = null;
                _armed.Remove(timer);
            }
            else
            {
                timer.DueAt = Fake.GetUtcNow() + timer.Period;
            }
        }
    }

    private void Dispose(SignalingTimer timer)
    {
        lock (_clock)
        {
            timer.Inner!.Dispose();
            lock (_gate)
            {
                timer.DueAt = null;
                _armed.Remove(timer);
            }
        }

        TimerChanged?.Invoke(this, EventArgs.Empty);
    }

    private sealed class SignalingTimer(SignalingTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public ITimer? Inner { get; set; }

        public TimeSpan DueTime { get; set; }

        public TimeSpan Period { get; set; }

        public DateTimeOffset? DueAt { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period) => owner.Change(this, dueTime, period);

        public void Fire()
        {
            owner.Fired(this);
            callback(state);
        }

        public void Dispose() => owner.Dispose(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
