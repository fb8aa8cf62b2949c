using MeshClient.Routing;
using MeshClient.Testing;
using MeshClient.Tests.Shared;

namespace MeshClient.Tests.Http;

/// <summary>The per-attempt timeout (Mesh:Timeout), on the injected clock.</summary>
public sealed class AttemptTimeoutTests
{
    [Fact]
    public async Task An_attempt_that_outlasts_the_timeout_fails_naming_the_service_and_the_timeout_and_is_not_retried()
    {
        await using var slow = await TestBackend.StartAsync("slow");
        await using var other = await TestBackend.StartAsync("other");
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Both endpoints are slow, so whichever round robin picks first (the order follows the random ports) times out.
        slow.Behaviour = other.Behaviour = async (context, backend) =>
        {
            received.TrySetResult();
            await gate.Task.WaitAsync(MeshClients.Bound);
            await TestBackend.AnswerWithIdAsync(context, backend);
        };
        var time = new SignalingTimeProvider();
        var router = new MeshRouter(MeshTestRegistry.Create("reviews", slow, other), options: MeshTestRegistry.InOrder());
        using var client = MeshClients.Create(router, MeshClients.Options(o => o.Timeout = TimeSpan.FromSeconds(5)), time);

        var call = client.GetAsync("http://reviews:9080/slow");
        await received.Task.WaitAsync(MeshClients.Bound);
        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(call.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(0.1));
        var error = await Assert.ThrowsAsync<TaskCanceledException>(() => call.WaitAsync(MeshClients.Bound));
        gate.TrySetResult();

        Assert.Contains("reviews.default.svc.cluster.local", error.Message, StringComparison.Ordinal);
        Assert.Contains("5 s", error.Message, StringComparison.Ordinal);
        var attempted = slow.Count == 1 ? slow : other;
        Assert.Contains($"127.0.0.1:{attempted.Port}", error.Message, StringComparison.Ordinal);
        Assert.IsType<TimeoutException>(error.InnerException);
        Assert.Equal(1, slow.Count + other.Count);
    }

    [Fact]
    public async Task A_call_within_the_timeout_succeeds_and_leaves_no_timer_behind()
    {
        await using var backend = await TestBackend.StartAsync("b1");
        var time = new SignalingTimeProvider();
        var router = new MeshRouter(MeshTestRegistry.Create("reviews", backend), options: MeshTestRegistry.InOrder());
        using var client = MeshClients.Create(router, MeshClients.Options(o => o.Timeout = TimeSpan.FromSeconds(5)), time);
        var armed = 0;
        time.TimerChanged += (_, _) => armed = Math.Max(armed, time.ArmedTimerCount);

        Assert.Equal("b1", await client.GetIdAsync("http://reviews:9080/"));

        Assert.Equal(1, armed);
        Assert.Equal(0, time.ArmedTimerCount);
    }

    [Fact]
    public async Task Without_a_timeout_no_timer_is_armed()
    {
        await using var backend = await TestBackend.StartAsync("b1");
        var time = new SignalingTimeProvider();
        var router = new MeshRouter(MeshTestRegistry.Create("reviews", backend), options: MeshTestRegistry.InOrder());
        using var client = MeshClients.Create(router, MeshClients.Options(o => o.Timeout = null), time);
        var timers = 0;
        time.TimerChanged += (_, _) => Interlocked.Increment(ref timers);

        Assert.Equal("b1", await client.GetIdAsync("http://reviews:9080/"));
        Assert.Equal(0, timers);
    }
}
