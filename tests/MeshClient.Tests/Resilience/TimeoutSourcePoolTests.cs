using MeshClient.Resilience;
using Microsoft.Extensions.Time.Testing;

namespace MeshClient.Tests.Resilience;

/// <summary>Call timeouts reuse their cancellation sources: a source that did not fire comes back reset, one that fired never does.</summary>
public sealed class TimeoutSourcePoolTests
{
    [Fact]
    public void A_source_returned_before_its_timeout_is_reused_reset_and_armed_again()
    {
        var pool = new TimeoutSourcePool(TimeProvider.System);
        var first = pool.Rent(TimeSpan.FromMinutes(5));
        var registered = 0;
        first.Token.Register(() => registered++);
        pool.Return(first);

        var second = pool.Rent(TimeSpan.FromMinutes(5));

        Assert.Same(first, second);
        Assert.False(second.IsCancellationRequested);

        // The earlier call's registration went with the reset: cancelling now reaches only the new call.
        second.Cancel();
        Assert.Equal(0, registered);
    }

    [Fact]
    public void On_another_clock_than_the_system_one_a_returned_source_is_disposed_and_the_next_times_out_on_the_pool_clock()
    {
        var time = new FakeTimeProvider();
        var pool = new TimeoutSourcePool(time);
        var first = pool.Rent(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(9));
        pool.Return(first);

        // TryReset fails for a source on another TimeProvider than System, so the pool disposes it (never reuses it),
        // and its timer is gone: its 10 s pass without cancelling it.
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(first.IsCancellationRequested);
        Assert.Throws<ObjectDisposedException>(() => first.CancelAfter(TimeSpan.FromSeconds(1)));
        var second = pool.Rent(TimeSpan.FromSeconds(3));
        Assert.NotSame(first, second);
        Assert.False(second.IsCancellationRequested);

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(second.IsCancellationRequested);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(second.IsCancellationRequested);
    }

    [Fact]
    public void A_source_that_fired_is_disposed_and_never_handed_out_again()
    {
        var time = new FakeTimeProvider();
        var pool = new TimeoutSourcePool(time);
        var fired = pool.Rent(TimeSpan.FromSeconds(1));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(fired.IsCancellationRequested);
        pool.Return(fired);

        var next = pool.Rent(TimeSpan.FromSeconds(1));

        Assert.NotSame(fired, next);
        Assert.False(next.IsCancellationRequested);
        Assert.Throws<ObjectDisposedException>(() => fired.CancelAfter(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void A_source_cancelled_by_its_caller_is_not_reused()
    {
        var pool = new TimeoutSourcePool(TimeProvider.System);
        var cancelled = pool.Rent(TimeSpan.FromMinutes(5));
        cancelled.Cancel();
        pool.Return(cancelled);

        Assert.NotSame(cancelled, pool.Rent(TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void The_pool_keeps_at_most_its_capacity_of_idle_sources()
    {
        var pool = new TimeoutSourcePool(TimeProvider.System);
        var rented = Enumerable.Range(0, TimeoutSourcePool.Capacity + 1).Select(_ => pool.Rent(TimeSpan.FromMinutes(5))).ToList();
        foreach (var source in rented)
        {
            pool.Return(source);
        }

        var again = Enumerable.Range(0, TimeoutSourcePool.Capacity + 1).Select(_ => pool.Rent(TimeSpan.FromMinutes(5))).ToList();

        Assert.Equal(TimeoutSourcePool.Capacity, again.Count(rented.Contains));
        Assert.Throws<ObjectDisposedException>(() => rented[^1].CancelAfter(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task A_reused_source_on_the_system_clock_cancels_after_its_new_timeout()
    {
        var pool = new TimeoutSourcePool(TimeProvider.System);
        var first = pool.Rent(TimeSpan.FromMinutes(5));
        pool.Return(first);

        var reused = pool.Rent(TimeSpan.FromMilliseconds(50));
        Assert.Same(first, reused);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        reused.Token.Register(() => cancelled.TrySetResult());

        // Armed again by the rent: it fires on its own (bounded wait, not a fixed one).
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(reused.IsCancellationRequested);
    }

    [Fact]
    public void A_source_cancelled_while_idle_in_the_pool_is_disposed_on_the_next_rent_and_not_handed_out()
    {
        var pool = new TimeoutSourcePool(TimeProvider.System);
        var returned = pool.Rent(TimeSpan.FromMinutes(5));
        pool.Return(returned);

        // A caller that kept the source after returning it cancels it: the pool must not hand it out again.
        returned.Cancel();
        var next = pool.Rent(TimeSpan.FromMinutes(5));

        Assert.NotSame(returned, next);
        Assert.False(next.IsCancellationRequested);
        Assert.Throws<ObjectDisposedException>(() => returned.CancelAfter(TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void The_clock_and_a_returned_source_are_required()
    {
        Assert.Throws<ArgumentNullException>(() => new TimeoutSourcePool(null!));
        Assert.Throws<ArgumentNullException>(() => new TimeoutSourcePool(TimeProvider.System).Return(null!));
    }
}
