using System.Net;
using MeshClient;
using MeshClient.Routing;
using MeshClient.Testing;
using MeshClient.Tests.Shared;
using Microsoft.AspNetCore.Http;

namespace MeshClient.Tests.Http;

/// <summary>What a call's end tells the outlier detector and the retry rules, and the call's timeout budget.</summary>
public sealed class MeshCallOutcomeTests
{
    private const string Uri = "http://reviews:9080/items";

    [Fact]
    public async Task A_call_the_caller_cancels_neither_fails_nor_clears_the_endpoints_run_of_failures()
    {
        await using var backend = await TestBackend.StartAsync("b1");
        var failing = true;
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        backend.Behaviour = async (context, self) =>
        {
            if (context.Request.Path == "/slow")
            {
                received.TrySetResult();
                await gate.Task.WaitAsync(MeshClients.Bound);
                return;
            }

            await (failing ? TestBackend.Status(StatusCodes.Status500InternalServerError) : TestBackend.AnswerWithIdAsync)(context, self);
        };
        var time = new SignalingTimeProvider();
        using var meters = new TestMeterFactory();
        using var recorder = new MeasurementRecorder(meters);
        var router = new MeshRouter(MeshTestRegistry.Create("reviews", backend), options: MeshTestRegistry.InOrder(), timeProvider: time);
        using var client = MeshClients.Create(router, MeshClients.NoRetries(o => o.OutlierDetection.ConsecutiveFailures = 2), time, meters);

        using (var first = await client.GetAsync(Uri).WaitAsync(MeshClients.Bound))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, first.StatusCode);
        }

        using var cancel = new CancellationTokenSource();
        var cancelled = client.GetAsync("http://reviews:9080/slow", cancel.Token);
        await received.Task.WaitAsync(MeshClients.Bound);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(MeshClients.Bound));
        gate.TrySetResult();
        Assert.Equal(0, recorder.Sum("meshclient.outlier.ejections"));

        // Had the cancelled call counted as a success, this second failure would start a new run and not eject.
        using (var second = await client.GetAsync(Uri).WaitAsync(MeshClients.Bound))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, second.StatusCode);
        }

        Assert.Equal(1, recorder.Sum("meshclient.outlier.ejections"));

        // The only endpoint is ejected: the mesh still routes to it rather than fail (all ejected means none is).
        failing = false;
        Assert.Equal("b1", await client.GetIdAsync(Uri));
    }

    [Fact]
    public async Task A_put_with_a_stream_body_answered_503_is_returned_as_it_is_not_retried()
    {
        await using var b1 = await TestBackend.StartAsync("b1");
        await using var b2 = await TestBackend.StartAsync("b2");
        b1.Behaviour = TestBackend.Status(StatusCodes.Status503ServiceUnavailable);
        b2.Behaviour = TestBackend.Status(StatusCodes.Status503ServiceUnavailable);
        var router = new MeshRouter(MeshTestRegistry.Create("reviews", b1, b2), options: MeshTestRegistry.InOrder());
        using var client = MeshClients.Create(router);

        using var body = new StreamContent(new OneWayStream("payload"u8.ToArray()));
        using var response = await client.PutAsync(Uri, body).WaitAsync(MeshClients.Bound);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, b1.Count + b2.Count);

        using var buffered = await client.PutAsync(Uri, new StringContent("payload")).WaitAsync(MeshClients.Bound);
        Assert.Equal(3, b1.Count + b2.Count);
        Assert.Equal(2, b1.Received.Concat(b2.Received).Count(r => r.Body == "payload"));
    }

    [Fact]
    public async Task The_timeout_bounds_the_whole_call_retries_and_backoff_included()
    {
        await using var b1 = await TestBackend.StartAsync("b1");
        await using var b2 = await TestBackend.StartAsync("b2");
        b1.Behaviour = TestBackend.Status(StatusCodes.Status503ServiceUnavailable);
        b2.Behaviour = TestBackend.Status(StatusCodes.Status503ServiceUnavailable);
        var time = new SignalingTimeProvider();
        var backoffArmed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        time.TimerChanged += (_, _) =>
        {
            // The call's timeout timer is armed first; a second timer is the retry's backoff.
            if (time.ArmedTimerCount >= 2)
            {
                backoffArmed.TrySetResult();
            }
        };
        var router = new MeshRouter(MeshTestRegistry.Create("reviews", b1, b2), options: MeshTestRegistry.InOrder(), timeProvider: time);
        using var client = MeshClients.Create(
            router,
            MeshClients.Options(o =>
            {
                o.Timeout = TimeSpan.FromSeconds(5);
                o.Retry.OnSame = 0;
                o.Retry.OnNext = 1;
                o.Retry.Backoff = MeshRetryBackoff.Constant;
                o.Retry.BackoffMin = TimeSpan.FromSeconds(10);
                o.Retry.BackoffMax = TimeSpan.FromSeconds(10);
            }),
            time);

        var call = client.GetAsync(Uri);
        await backoffArmed.Task.WaitAsync(MeshClients.Bound);
        time.Advance(TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<TaskCanceledException>(() => call.WaitAsync(MeshClients.Bound));
        Assert.IsType<TimeoutException>(error.InnerException);
        Assert.Contains("within the mesh timeout of 5 s (Mesh:Timeout)", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, b1.Count + b2.Count);
    }

    /// <summary>A body that can be read once, as a request stream from a file or a network.</summary>
    private sealed class OneWayStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
