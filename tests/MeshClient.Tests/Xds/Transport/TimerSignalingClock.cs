using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace MeshClient.Tests.Xds.Transport;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that reports the due time of every timer created on it (the ADS client's backoff
/// delays), so a test advances the clock only once the client waits on it.
/// </summary>
internal sealed class TimerSignalingClock : TimeProvider
{
    private readonly FakeTimeProvider _clock = new();
    private readonly Channel<TimeSpan> _created = Channel.CreateUnbounded<TimeSpan>();

    public override long TimestampFrequency => _clock.TimestampFrequency;

    public override DateTimeOffset GetUtcNow() => _clock.GetUtcNow();

    public override long GetTimestamp() => _clock.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = _clock.CreateTimer(callback, state, dueTime, period);
        _created.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Moves the clock; due timers fire.</summary>
    public void Advance(TimeSpan delta) => _clock.Advance(delta);

    /// <summary>Waits (bounded) until a timer due in <paramref name="dueTime"/> is created, skipping others.</summary>
    public async Task TimerAsync(TimeSpan dueTime)
    {
        while (await _created.Reader.ReadAsync().AsTask().WaitAsync(PilotConnection.Bound) != dueTime)
        {
        }
    }
}
