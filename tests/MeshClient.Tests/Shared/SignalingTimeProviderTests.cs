namespace MeshClient.Tests.Shared;

/// <summary>
/// The test clock every test project uses (tests/Shared/SignalingTimeProvider.cs): it signals armed timers and its
/// Advance stops at each due time, so the tests that rely on it wait on signals and see timers fire in order.
/// </summary>
public sealed class SignalingTimeProviderTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public void Advance_fires_each_timer_at_its_own_due_time_including_timers_armed_on_the_way()
    {
        var time = new SignalingTimeProvider();
        var start = time.GetUtcNow();
        var fired = new List<TimeSpan>();
        ITimer? timer = null;
        timer = time.CreateTimer(
            _ =>
            {
                fired.Add(time.GetUtcNow() - start);
                timer!.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan); // re-armed by its own callback
            },
            null,
            TimeSpan.FromSeconds(1),
            Timeout.InfiniteTimeSpan);
        using var other = time.CreateTimer(_ => fired.Add(TimeSpan.FromTicks(-1)), null, TimeSpan.FromMilliseconds(2500), Timeout.InfiniteTimeSpan);

        time.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromTicks(-1), TimeSpan.FromSeconds(3)], fired);
        Assert.Equal(TimeSpan.FromSeconds(3), time.GetUtcNow() - start);
        timer.Dispose();
    }

    [Fact]
    public void Armed_timers_are_counted_until_they_fire_or_are_disposed_and_each_change_is_signalled()
    {
        var time = new SignalingTimeProvider();
        var signals = 0;
        time.TimerChanged += (_, _) => Interlocked.Increment(ref signals);

        var once = time.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);
        using var periodic = time.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        using var idle = time.CreateTimer(_ => { }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Assert.Equal(3, signals);
        Assert.Equal(2, time.ArmedTimerCount);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)], time.ArmedDueTimes.Order());

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, time.ArmedTimerCount); // the one-shot fired; the periodic one stays armed

        periodic.Dispose();
        Assert.Equal(0, time.ArmedTimerCount);
        Assert.Equal(4, signals);
        once.Dispose();
    }

    [Fact]
    public async Task WaitForTimersAsync_completes_when_code_on_another_thread_arms_the_awaited_timer()
    {
        var time = new SignalingTimeProvider();
        var waiting = time.WaitForTimersAsync(due => due.Contains(TimeSpan.FromSeconds(10)));
        Assert.False(waiting.IsCompleted);

        var delay = Task.Run(() => Task.Delay(TimeSpan.FromSeconds(10), time));
        await waiting.WaitAsync(Bound);
        Assert.False(delay.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(10));
        await delay.WaitAsync(Bound);
    }
}
