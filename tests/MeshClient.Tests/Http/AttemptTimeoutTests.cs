using MeshClient.Http;
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

    [Fact]
    public async Task The_callers_cancellation_ends_a_call_that_has_a_timeout()
    {
        await using var backend = await TestBackend.StartAsync("slow");
        var (received, gate) = HoldAnswers(backend);
        var router = new MeshRouter(MeshTestRegistry.Create("reviews", backend), options: MeshTestRegistry.InOrder());
        // An invoker, as Grpc.Net.Client calls the handler: the caller's token reaches the handler itself (an
        // HttpClient would hand it a linked token of its own).
        using var invoker = new HttpMessageInvoker(MeshHttpHandler.Create(router, MeshClients.NoRetries(o => o.Timeout = TimeSpan.FromSeconds(5)), new SocketsHttpHandler(), new SignalingTimeProvider()));
        using var caller = new CancellationTokenSource();
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://reviews:9080/slow");

        try
        {
            var call = invoker.SendAsync(request, caller.Token);
            await received.Task.WaitAsync(MeshClients.Bound);
            await caller.CancelAsync();

            // The call's token is the timeout's; the caller's token reaches it through their link. The fake clock never
            // moved, so this is the caller's cancellation, not the timeout.
            var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(MeshClients.Bound));
            Assert.IsNotType<TimeoutException>(error.InnerException);
        }
        finally
        {
            gate.TrySetResult();
        }
    }

    [Fact]
    public async Task Once_a_call_ended_its_callers_cancellation_reaches_no_later_call()
    {
        // On the system clock the timeout sources are reused: the next call gets the source the first call returned.
        await using var backend = await TestBackend.StartAsync("b1");
        var router = new MeshRouter(MeshTestRegistry.Create("reviews", backend), options: MeshTestRegistry.InOrder());
        // An invoker, as Grpc.Net.Client calls the handler: the caller's own token reaches the handler (an HttpClient
        // would hand it a linked token that it disposes when the call ends).
        using var invoker = new HttpMessageInvoker(MeshHttpHandler.Create(router, MeshClients.NoRetries(o => o.Timeout = TimeSpan.FromMinutes(5)), new SocketsHttpHandler(), TimeProvider.System));
        using var firstCaller = new CancellationTokenSource();
        using (var firstRequest = new HttpRequestMessage(HttpMethod.Get, "http://reviews:9080/"))
        using (var first = await invoker.SendAsync(firstRequest, firstCaller.Token))
        {
            first.EnsureSuccessStatusCode();
            await first.Content.ReadAsStringAsync();
        }

        var (received, gate) = HoldAnswers(backend);
        using var secondRequest = new HttpRequestMessage(HttpMethod.Get, "http://reviews:9080/");
        var second = invoker.SendAsync(secondRequest, CancellationToken.None);
        await received.Task.WaitAsync(MeshClients.Bound);

        // The first caller's link to its call's timeout source was removed when that call ended.
        await firstCaller.CancelAsync();
        gate.TrySetResult();

        using var answer = await second.WaitAsync(MeshClients.Bound);
        Assert.Equal("b1", await answer.Content.ReadAsStringAsync());
    }

    /// <summary>Makes <paramref name="backend"/> signal each request it receives and answer only once the gate opens.</summary>
    private static (TaskCompletionSource Received, TaskCompletionSource Gate) HoldAnswers(TestBackend backend)
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        backend.Behaviour = async (context, self) =>
        {
            received.TrySetResult();
            await gate.Task.WaitAsync(MeshClients.Bound);
            await TestBackend.AnswerWithIdAsync(context, self);
        };
        return (received, gate);
    }
}
