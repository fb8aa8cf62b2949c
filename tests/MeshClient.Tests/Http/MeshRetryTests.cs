using System.Net;
using MeshClient;
using MeshClient.Routing;
using MeshClient.Testing;
using MeshClient.Tests.Routing;
using MeshClient.Tests.Shared;
using Microsoft.AspNetCore.Http;

namespace MeshClient.Tests.Http;

/// <summary>Retries through the mesh handler (Polly) against real Kestrel backends, some of them stopped mid-run.</summary>
public sealed class MeshRetryTests
{
    private const string Uri = "http://reviews:9080/items";

    [Fact]
    public async Task A_backend_killed_mid_run_loses_no_idempotent_call_with_retry_on_next()
    {
        var backends = await TestBackend.StartManyAsync("b1", "b2", "b3");
        try
        {
            var router = new MeshRouter(MeshTestRegistry.Create("reviews", backends), options: MeshTestRegistry.InOrder());
            using var client = MeshClients.Create(router, MeshClients.Options(o => o.Retry.OnNext = 1));
            var answered = new List<string>();
            for (var i = 0; i < 60; i++)
            {
                if (i == 20)
                {
                    await backends[1].StopAsync();
                }

                answered.Add(await client.GetIdAsync(Uri));
            }

            Assert.Equal(60, answered.Count);
            Assert.DoesNotContain("b2", answered.Skip(20));
            Assert.Equal(7, answered.Take(20).Count(id => id == "b2"));
            Assert.Equal(60, backends.Sum(b => b.Count));
        }
        finally
        {
            await Task.WhenAll(backends.Select(b => b.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task With_one_endpoint_per_subset_a_dead_subset_endpoint_retries_on_another_subset()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var v2 = await TestBackend.StartAsync("v2");
        await using var v3 = await TestBackend.StartAsync("v3");
        var router = new MeshRouter(
            MeshTestRegistry.Create("targetService", ("v1", [v1]), ("v2", [v2]), ("v3", [v3])),
            RouterRules.Parse(MeshFixtures.SeedRouterYaml),
            DestinationRuleSet.Parse(MeshFixtures.SeedDestinationRuleYaml));
        using var client = MeshClients.Create(router);
        await v3.StopAsync();

        var answered = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            answered.Add(await client.GetIdAsync("http://targetService:9080/"));
        }

        // First attempts still split 40/40/20; v3's 20 calls were retried on v1 or v2, and the split of first attempts did not move.
        Assert.Equal(0, v3.Count);
        Assert.Equal(100, answered.Count(id => id is "v1" or "v2"));
        Assert.Equal(40 + 40 + 20, v1.Count + v2.Count);
        Assert.InRange(v1.Count, 40, 60);
        Assert.InRange(v2.Count, 40, 60);
    }

    [Fact]
    public async Task A_post_to_a_dead_endpoint_is_not_retried()
    {
        await using var dead = await TestBackend.StartAsync("dead");
        await using var alive = await TestBackend.StartAsync("alive");
        var router = new MeshRouter(MeshTestRegistry.Create("reviews", dead, alive), options: MeshTestRegistry.InOrder());
        using var client = MeshClients.Create(router, MeshClients.Options(o => o.Retry.OnNext = 3));
        await dead.StopAsync();

        // Round robin: the first call goes to the first endpoint (dead), the second to alive.
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(Uri, new StringContent("order")).WaitAsync(MeshClients.Bound));
        Assert.Equal(HttpRequestError.ConnectionError, error.HttpRequestError);
        Assert.Equal(0, alive.Count);

        using var second = await client.PostAsync(Uri, new StringContent("order")).WaitAsync(MeshClients.Bound);
        Assert.Equal("alive", await second.Content.ReadAsStringAsync());
        Assert.Equal(1, alive.Count);
    }

    [Fact]
    public async Task A_post_answered_503_is_not_retried_but_a_get_is()
    {
        await using var failing = await TestBackend.StartAsync("failing");
        await using var healthy = await TestBackend.StartAsync("healthy");
        failing.Behaviour = TestBackend.Status(StatusCodes.Status503ServiceUnavailable);
        var router = new MeshRouter(MeshTestRegistry.Create("reviews", failing, healthy), options: MeshTestRegistry.InOrder());
        using var client = MeshClients.Create(router, MeshClients.NoRetries(o =>
        {
            o.Retry.Enabled = true;
            o.Retry.OnNext = 1;
        }));

        using var post = await client.PostAsync(Uri, new StringContent("x")).WaitAsync(MeshClients.Bound);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, post.StatusCode);
        Assert.Equal(0, healthy.Count);

        // Round robin moves on to healthy for the GET's first attempt; the third call starts on failing and is retried.
        Assert.Equal("healthy", await client.GetIdAsync(Uri));
        Assert.Equal("healthy", await client.GetIdAsync(Uri));
        Assert.Equal(2, failing.Count);
        Assert.Equal(2, healthy.Count);
    }

    [Fact]
    public async Task Non_idempotent_calls_are_retried_after_a_connection_failure_when_configured()
    {
        await using var dead = await TestBackend.StartAsync("dead");
        await using var alive = await TestBackend.StartAsync("alive");
        var router = new MeshRouter(MeshTestRegistry.Create("reviews", dead, alive), options: MeshTestRegistry.InOrder());
        using var client = MeshClients.Create(router, MeshClients.Options(o => o.Retry.RetryNonIdempotent = true));
        await dead.StopAsync();

        using var response = await client.PostAsync(Uri, new StringContent("order")).WaitAsync(MeshClients.Bound);

        Assert.Equal("alive", await response.Content.ReadAsStringAsync());
        var received = Assert.Single(alive.Received);
        Assert.Equal("POST", received.Method);
        Assert.Equal("order", received.Body);
    }

    [Fact]
    public async Task Retry_on_same_goes_to_the_same_endpoint()
    {
        await using var flaky = await TestBackend.StartAsync("flaky");
        await using var other = await TestBackend.StartAsync("other");
        var calls = 0;
        flaky.Behaviour = (context, backend) => Interlocked.Increment(ref calls) == 1
            ? TestBackend.Status(StatusCodes.Status503ServiceUnavailable)(context, backend)
            : TestBackend.AnswerWithIdAsync(context, backend);
        var router = new MeshRouter(MeshTestRegistry.Create("reviews", flaky, other), options: MeshTestRegistry.InOrder());
        using var client = MeshClients.Create(router, MeshClients.Options(o =>
        {
            o.Retry.OnSame = 1;
            o.Retry.OnNext = 0;
        }));

        Assert.Equal("flaky", await client.GetIdAsync(Uri));
        Assert.Equal(2, flaky.Count);
        Assert.Equal(0, other.Count);
    }

    [Fact]
    public async Task Retries_on_same_come_first_then_retries_on_next_go_to_endpoints_not_tried()
    {
        var backends = await TestBackend.StartManyAsync("b1", "b2", "b3");
        try
        {
            foreach (var backend in backends[..2])
            {
                backend.Behaviour = TestBackend.Status(StatusCodes.Status502BadGateway);
            }

            var router = new MeshRouter(MeshTestRegistry.Create("reviews", backends), options: MeshTestRegistry.InOrder());
            using var client = MeshClients.Create(router, MeshClients.Options(o =>
            {
                o.Retry.OnSame = 2;
                o.Retry.OnNext = 2;
                o.OutlierDetection.Enabled = false;
            }));

            // b1 three times (first + 2 on same), then b2 (next, not tried), then b3 (next, not tried).
            Assert.Equal("b3", await client.GetIdAsync(Uri));
            Assert.Equal([3, 1, 1], backends.Select(b => b.Count));
        }
        finally
        {
            await Task.WhenAll(backends.Select(b => b.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task Discarded_responses_are_disposed_and_the_last_one_is_returned_when_retries_run_out()
    {
        await using var b1 = await TestBackend.StartAsync("b1");
        await using var b2 = await TestBackend.StartAsync("b2");
        b1.Behaviour = TestBackend.Status(StatusCodes.Status503ServiceUnavailable);
        b2.Behaviour = TestBackend.Status(StatusCodes.Status504GatewayTimeout);
        var recording = new ResponseRecordingHandler(new SocketsHttpHandler());
        var router = new MeshRouter(MeshTestRegistry.Create("reviews", b1, b2), options: MeshTestRegistry.InOrder());
        using var client = MeshClients.Create(router, inner: recording);

        using var response = await client.GetAsync(Uri).WaitAsync(MeshClients.Bound);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("b2", await response.Content.ReadAsStringAsync());
        Assert.Equal(2, recording.Responses.Count);
        Assert.Same(response, recording.Responses[1]);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => recording.Responses[0].Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task No_retry_when_retries_are_disabled()
    {
        await using var b1 = await TestBackend.StartAsync("b1");
        await using var b2 = await TestBackend.StartAsync("b2");
        b1.Behaviour = TestBackend.Status(StatusCodes.Status503ServiceUnavailable);
        var router = new MeshRouter(MeshTestRegistry.Create("reviews", b1, b2), options: MeshTestRegistry.InOrder());
        using var client = MeshClients.Create(router, MeshClients.NoRetries());

        using var response = await client.GetAsync(Uri).WaitAsync(MeshClients.Bound);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(0, b2.Count);
    }

    [Fact]
    public async Task Constant_backoff_waits_on_the_injected_clock_before_the_retry()
    {
        await using var b1 = await TestBackend.StartAsync("b1");
        await using var b2 = await TestBackend.StartAsync("b2");
        b1.Behaviour = TestBackend.Status(StatusCodes.Status503ServiceUnavailable);
        var time = new SignalingTimeProvider();
        var delayArmed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        time.TimerChanged += (_, _) =>
        {
            if (time.ArmedTimerCount > 0)
            {
                delayArmed.TrySetResult();
            }
        };
        var router = new MeshRouter(MeshTestRegistry.Create("reviews", b1, b2), options: MeshTestRegistry.InOrder(), timeProvider: time);
        using var client = MeshClients.Create(
            router,
            MeshClients.Options(o =>
            {
                o.Timeout = null;
                o.Retry.Backoff = MeshRetryBackoff.Constant;
                o.Retry.BackoffMin = TimeSpan.FromSeconds(2);
            }),
            time);

        var call = client.GetIdAsync(Uri);
        await delayArmed.Task.WaitAsync(MeshClients.Bound);
        time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(call.IsCompleted);
        Assert.Equal(0, b2.Count);

        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal("b2", await call);
        Assert.Equal(1, b1.Count);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_retried()
    {
        await using var slow = await TestBackend.StartAsync("slow");
        await using var other = await TestBackend.StartAsync("other");
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Both endpoints hold the call, so whichever round robin picks first, the caller cancels while it waits.
        slow.Behaviour = other.Behaviour = async (context, backend) =>
        {
            received.TrySetResult();
            await gate.Task.WaitAsync(MeshClients.Bound);
        };
        var router = new MeshRouter(MeshTestRegistry.Create("reviews", slow, other), options: MeshTestRegistry.InOrder());
        using var client = MeshClients.Create(router, MeshClients.Options(o => o.Retry.RetryNonIdempotent = true));
        using var cancel = new CancellationTokenSource();

        var call = client.GetAsync(Uri, cancel.Token);
        await received.Task.WaitAsync(MeshClients.Bound);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(MeshClients.Bound));
        gate.TrySetResult();
        Assert.Equal(1, slow.Count + other.Count);
    }
}
