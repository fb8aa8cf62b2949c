using Grpc.Core;
using MeshClient.Xds.Protos.Discovery;
using MeshClient.Xds.Transport;
using static MeshClient.Tests.Xds.Transport.GrpcTestServer;

namespace MeshClient.Tests.Xds.Transport;

/// <summary>
/// Cancellation, disposal and deadlines end the call on both sides: the client fails with the matching status and the
/// server sees the call cancelled (the HTTP/2 stream reset).
/// </summary>
public sealed class HttpGrpcTransportCancellationTests
{
    [Fact]
    public async Task Cancelling_the_call_token_resets_the_stream()
    {
        var firstRequest = NewSignal<string>();
        var aborted = NewSignal();
        await using var server = await StartAsync(async (requests, _, context) =>
        {
            firstRequest.TrySetResult((await ReadRequestAsync(requests))!.TypeUrl);
            await WaitForAbortAsync(context, aborted);
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        using var cancellation = new CancellationTokenSource();
        await using var call = transport.StartAds(cancellation.Token);

        await call.WriteBoundedAsync(new DiscoveryRequest { TypeUrl = "subscribe" });
        Assert.Equal("subscribe", await firstRequest.Task.WaitAsync(Bound));
        var read = call.ReadBoundedAsync();
        await cancellation.CancelAsync();

        await aborted.Task.WaitAsync(Bound);
        var failure = await Assert.ThrowsAsync<GrpcCallException>(() => read);
        Assert.Equal(StatusCode.Cancelled, failure.StatusCode);
        var write = await Assert.ThrowsAsync<GrpcCallException>(() => call.WriteBoundedAsync(new DiscoveryRequest()));
        Assert.Equal(StatusCode.Cancelled, write.StatusCode);
    }

    [Fact]
    public async Task Cancelling_a_read_cancels_the_call_and_resets_the_stream()
    {
        var started = NewSignal();
        var aborted = NewSignal();
        await using var server = await StartAsync(async (_, _, context) =>
        {
            started.TrySetResult();
            await WaitForAbortAsync(context, aborted);
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartAds();
        using var readCancellation = new CancellationTokenSource();
        await started.Task.WaitAsync(Bound);

        var read = call.ReadAsync(readCancellation.Token).AsTask();
        await readCancellation.CancelAsync();

        var failure = await Assert.ThrowsAsync<GrpcCallException>(() => read.WaitAsync(Bound));
        Assert.Equal(StatusCode.Cancelled, failure.StatusCode);
        await aborted.Task.WaitAsync(Bound);
    }

    [Fact]
    public async Task Disposing_a_running_call_resets_the_stream()
    {
        var aborted = NewSignal();
        await using var server = await StartAsync(async (requests, responses, context) =>
        {
            await ReadRequestAsync(requests);
            await WriteAsync(responses, new DiscoveryResponse { Nonce = "pong" });
            await WaitForAbortAsync(context, aborted);
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        var call = transport.StartAds();
        await call.WriteBoundedAsync(new DiscoveryRequest());
        Assert.Equal("pong", (await call.ReadBoundedAsync())!.Nonce);

        await call.DisposeAsync();
        await call.DisposeAsync();

        await aborted.Task.WaitAsync(Bound);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => call.ReadBoundedAsync());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => call.WriteBoundedAsync(new DiscoveryRequest()));
        await call.CompleteWritesAsync();
    }

    [Fact]
    public async Task Deadline_reaches_the_server_and_its_expiry_is_DeadlineExceeded()
    {
        var deadline = NewSignal<DateTime>();
        var aborted = NewSignal();
        await using var server = await StartAsync(async (_, _, context) =>
        {
            deadline.TrySetResult(context.Deadline);
            await WaitForAbortAsync(context, aborted);
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address, Deadline = TimeSpan.FromSeconds(1) });
        var started = TimeProvider.System.GetUtcNow().UtcDateTime;
        await using var call = transport.StartAds();

        var failure = await call.ReadFailureAsync();

        Assert.Equal(StatusCode.DeadlineExceeded, failure.StatusCode);
        var serverDeadline = await deadline.Task.WaitAsync(Bound);
        Assert.InRange(serverDeadline, started.AddSeconds(0.5), started.AddSeconds(1.5));
        await aborted.Task.WaitAsync(Bound);
    }

    [Fact]
    public async Task Without_a_deadline_the_server_sees_none()
    {
        var deadline = NewSignal<DateTime>();
        await using var server = await StartAsync((_, _, context) =>
        {
            deadline.TrySetResult(context.Deadline);
            return Task.CompletedTask;
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartAds();

        Assert.Null(await call.ReadBoundedAsync());
        Assert.Equal(DateTime.MaxValue, await deadline.Task.WaitAsync(Bound));
    }

    [Fact]
    public async Task Call_started_with_a_cancelled_token_fails_as_Cancelled()
    {
        await using var server = await StartAsync((_, _, _) => Task.CompletedTask);
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartAds(new CancellationToken(canceled: true));

        var failure = await call.ReadFailureAsync();

        Assert.Equal(StatusCode.Cancelled, failure.StatusCode);
    }

    [Fact]
    public async Task Disposing_the_transport_fails_its_running_calls()
    {
        var aborted = NewSignal();
        var started = NewSignal();
        await using var server = await StartAsync(async (_, _, context) =>
        {
            started.TrySetResult();
            await WaitForAbortAsync(context, aborted);
        });
        var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartAds();
        await started.Task.WaitAsync(Bound);
        var read = call.ReadBoundedAsync();

        await transport.DisposeAsync();

        var failure = await Assert.ThrowsAsync<GrpcCallException>(() => read);
        Assert.Equal(StatusCode.Cancelled, failure.StatusCode);
        await aborted.Task.WaitAsync(Bound);
    }
}
