using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace MeshClient.Tests.Xds.Protocol;

/// <summary>A <see cref="FakeTimeProvider"/> that reports each timer created (its due time), so a test advances the clock only once the timer it means to fire exists.</summary>
internal sealed class TimerSignalingTimeProvider : FakeTimeProvider
{
    private readonly Channel<TimeSpan> _created = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _created.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>
    /// Waits for a timer due in <paramref name="dueTime"/> to be created (one created earlier counts once). A wait
    /// <paramref name="cancellationToken"/> ends takes no timer from later waits.
    /// </summary>
    public async Task WaitForTimerAsync(TimeSpan dueTime, TimeSpan bound, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(bound);
        try
        {
            while (await _created.Reader.ReadAsync(cts.Token) != dueTime)
            {
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"No timer due in {dueTime} was created within {bound}.");
        }
    }
}
