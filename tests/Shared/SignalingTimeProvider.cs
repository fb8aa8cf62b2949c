using Microsoft.Extensions.Time.Testing;

namespace MeshClient.Tests.Shared;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also says when code under test arms a timer, so a test can wait for that
/// signal (never for a fixed time) before it advances the clock. Time, timestamps and firing are FakeTimeProvider's;
/// this only counts the armed timers and raises <see cref="TimerChanged"/>.
/// </summary>
internal sealed class SignalingTimeProvider : TimeProvider
{
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

    /// <summary>The due times the armed timers were given (counted from when each was armed).</summary>
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

    /// <summary>Moves the clock forward; the timers that fall due fire on the calling thread (FakeTimeProvider's rule).</summary>
    /// <param name="delta">How far to move; not negative.</param>
    public void Advance(TimeSpan delta) => Fake.Advance(delta);

    /// <summary>Completes when <paramref name="condition"/> holds for the armed timers' due times (checked now and at each change).</summary>
    /// <param name="condition">What the due times of the armed timers must satisfy.</param>
    /// <returns>A task that completes when it holds; bound it with <c>WaitAsync</c>.</returns>
    public Task WaitForTimersAsync(Func<IReadOnlyList<TimeSpan>, bool> condition)
    {
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
        timer.Inner = Fake.CreateTimer(static s => ((SignalingTimer)s!).Fire(), timer, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        timer.Change(dueTime, period);
        return timer;
    }

    private void OnChanging(SignalingTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        lock (_gate)
        {
            timer.DueTime = dueTime;
            timer.Period = period;
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                _armed.Remove(timer);
            }
            else
            {
                _armed.Add(timer);
            }
        }
    }

    private void RaiseTimerChanged() => TimerChanged?.Invoke(this, EventArgs.Empty);

    private void OnFired(SignalingTimer timer)
    {
        lock (_gate)
        {
            if (timer.Period == Timeout.InfiniteTimeSpan || timer.Period == TimeSpan.Zero)
            {
                _armed.Remove(timer);
            }
        }
    }

    private void OnDisposed(SignalingTimer timer)
    {
        lock (_gate)
        {
            _armed.Remove(timer);
        }

        RaiseTimerChanged();
    }

    private sealed class SignalingTimer(SignalingTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public ITimer? Inner { get; set; }

        public TimeSpan DueTime { get; set; }

        public TimeSpan Period { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            // Recorded before the clock's timer changes (a due time of zero fires inside Change), announced after it, so
            // a test that advances the clock on the signal finds the timer set.
            owner.OnChanging(this, dueTime, period);
            var changed = Inner!.Change(dueTime, period);
            owner.RaiseTimerChanged();
            return changed;
        }

        public void Fire()
        {
            owner.OnFired(this);
            callback(state);
        }

        public void Dispose()
        {
            Inner!.Dispose();
            owner.OnDisposed(this);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
