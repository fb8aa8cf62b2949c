using System.Threading.Channels;
using MeshClient.Testing;
using MeshClient.Tests.Shared;

namespace MeshClient.Tests.Xds.Protocol.Fakes;

/// <summary>
/// A clock (a <see cref="SignalingTimeProvider"/>, FakeTimeProvider beneath) that also records every timer the code under test creates (backoff delays
/// through Task.Delay, does-not-exist timers), so tests can assert on the requested due times and wait until a
/// timer is armed before advancing the clock.
/// </summary>
internal sealed class RecordingTimeProvider : TimeProvider
{
    private readonly SignalingTimeProvider _clock = new();
    private readonly Channel<RecordedTimer> _created = Channel.CreateUnbounded<RecordedTimer>();
    private readonly List<RecordedTimer> _timers = [];
    private readonly object _gate = new();

    public override long TimestampFrequency => _clock.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override DateTimeOffset GetUtcNow() => _clock.GetUtcNow();

    public override long GetTimestamp() => _clock.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new RecordedTimer(dueTime);
        timer.Inner = _clock.CreateTimer(
            s =>
            {
                timer.Fired = true;
                callback(s);
            },
            state,
            dueTime,
            period);
        lock (_gate)
        {
            _timers.Add(timer);
        }

        _created.Writer.TryWrite(timer);
        return timer;
    }

    /// <summary>Moves the clock; due timers fire on this thread.</summary>
    public void Advance(TimeSpan delta) => _clock.Advance(delta);

    /// <summary>Waits (bounded) for the next timer to be created.</summary>
    public async Task<RecordedTimer> NextTimerAsync() => await _created.Reader.ReadAsync().AsTask().WaitAsync(FakeGrpcTransport.Bound);

    /// <summary>Waits (bounded) for the next timer created with <paramref name="dueTime"/>, skipping others.</summary>
    public async Task<RecordedTimer> NextTimerAsync(TimeSpan dueTime)
    {
        while (true)
        {
            var timer = await NextTimerAsync();
            if (timer.DueTime == dueTime)
            {
                return timer;
            }
        }
    }

    /// <summary>Timers created with <paramref name="dueTime"/> that have neither fired nor been disposed.</summary>
    public int PendingTimers(TimeSpan dueTime)
    {
        lock (_gate)
        {
            return _timers.Count(t => t.DueTime == dueTime && !t.Fired && !t.Disposed);
        }
    }

    internal sealed class RecordedTimer(TimeSpan dueTime) : ITimer
    {
        public ITimer Inner { get; set; } = null!;

        public TimeSpan DueTime { get; } = dueTime;

        public volatile bool Fired;

        public volatile bool Disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period) => Inner.Change(dueTime, period);

        public void Dispose()
        {
            Disposed = true;
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
