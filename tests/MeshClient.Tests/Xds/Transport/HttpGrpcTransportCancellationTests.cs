using Google.Protobuf.WellKnownTypes;
using MeshClient.Testing;
using MeshClient.Xds.Transport;
using static MeshClient.Tests.Xds.Transport.GrpcServerCalls;

namespace MeshClient.Tests.Xds.Transport;

/// <summary>
/// Cancellation, disposal and deadlines reset the HTTP/2 stream: the server sees RequestAborted. The deadline runs on
/// <see cref="ManualTimeProvider"/> (the transport arms it through GrpcTransportOptions.TimeProvider), so the test moves
/// the clock instead of waiting for a real timeout, and checks the grpc-timeout header the server received.
/// </summary>
public sealed class HttpGrpcTransportCancellationTests
{
    private const string Method = "/test.Echo/Chat";

    [Fact]
    public async Task Cancelling_the_call_token_resets_the_stream()
    {
        var firstRequest = NewSignal<string>();
        var aborted = NewSignal();
        await using var server = await GrpcTestServer.StartAsync(async context =>
        {
            await context.StartResponseAsync();
            firstRequest.TrySetResult((await context.ReadRequestAsync(StringValue.Parser))!.Value);
            await context.WaitForAbortAsync(aborted);
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        using var cancellation = new CancellationTokenSource();
        await using var call = transport.StartDuplexStreaming<StringValue, StringValue>(Method, StringValue.Parser, cancellation.Token);

        await call.WriteBoundedAsync(new StringValue { Value = "subscribe" });
        Assert.Equal("subscribe", await firstRequest.Task.WaitAsync(Bound));
        var read = call.ReadBoundedAsync();
        await cancellation.CancelAsync();

        await aborted.Task.WaitAsync(Bound);
        var failure = await Assert.ThrowsAsync<GrpcCallException>(() => read);
        Assert.Equal(GrpcStatusCode.Cancelled, failure.StatusCode);
        Assert.Same(failure, await Assert.ThrowsAsync<GrpcCallException>(() => call.WriteBoundedAsync(new StringValue())));
    }

    [Fact]
    public async Task Cancelling_a_read_cancels_the_call_and_resets_the_stream()
    {
        var started = NewSignal();
        var aborted = NewSignal();
        await using var server = await GrpcTestServer.StartAsync(async context =>
        {
            await context.StartResponseAsync();
            started.TrySetResult();
            await context.WaitForAbortAsync(aborted);
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartDuplexStreaming<StringValue, StringValue>(Method, StringValue.Parser, CancellationToken.None);
        using var readCancellation = new CancellationTokenSource();
        await started.Task.WaitAsync(Bound);

        var read = call.ReadAsync(readCancellation.Token).AsTask();
        await readCancellation.CancelAsync();

        var failure = await Assert.ThrowsAsync<GrpcCallException>(() => read.WaitAsync(Bound));
        Assert.Equal(GrpcStatusCode.Cancelled, failure.StatusCode);
        await aborted.Task.WaitAsync(Bound);
    }

    [Fact]
    public async Task Disposing_a_running_call_resets_the_stream()
    {
        var pong = NewSignal();
        var aborted = NewSignal();
        await using var server = await GrpcTestServer.StartAsync(async context =>
        {
            await context.StartResponseAsync();
            await context.ReadRequestAsync(StringValue.Parser);
            await context.WriteResponseAsync(new StringValue { Value = "pong" });
            await context.WaitForAbortAsync(aborted);
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        var call = transport.StartDuplexStreaming<StringValue, StringValue>(Method, StringValue.Parser, CancellationToken.None);

        await call.WriteBoundedAsync(new StringValue { Value = "ping" });
        Assert.Equal("pong", (await call.ReadBoundedAsync())?.Value);
        await call.DisposeAsync().AsTask().WaitAsync(Bound);

        await aborted.Task.WaitAsync(Bound);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => call.ReadBoundedAsync());
    }

    [Fact]
    public async Task Deadline_is_sent_as_grpc_timeout_and_its_expiry_is_DeadlineExceeded()
    {
        var time = new ManualTimeProvider();
        var grpcTimeout = NewSignal<string>();
        var aborted = NewSignal();
        await using var server = await GrpcTestServer.StartAsync(async context =>
        {
            grpcTimeout.TrySetResult(context.Request.Headers["grpc-timeout"].ToString());
            await context.StartResponseAsync();

            // A server that never answers.
            await context.WaitForAbortAsync(aborted);
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions
        {
            Address = server.Address,
            Deadline = TimeSpan.FromSeconds(5),
            TimeProvider = time,
        });
        await using var call = transport.StartDuplexStreaming<StringValue, StringValue>(Method, StringValue.Parser, CancellationToken.None);

        Assert.Equal("5S", await grpcTimeout.Task.WaitAsync(Bound));
        var read = call.ReadBoundedAsync();
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(read.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        var failure = await Assert.ThrowsAsync<GrpcCallException>(() => read);
        Assert.Equal(GrpcStatusCode.DeadlineExceeded, failure.StatusCode);
        Assert.Contains("deadline of 5 s", failure.Detail);
        await aborted.Task.WaitAsync(Bound);
    }

    [Fact]
    public async Task Fractional_deadline_is_sent_in_a_finer_unit()
    {
        var grpcTimeout = NewSignal<string>();
        await using var server = await GrpcTestServer.StartAsync(async context =>
        {
            grpcTimeout.TrySetResult(context.Request.Headers["grpc-timeout"].ToString());
            await context.StartResponseAsync();
            context.EndWithStatus(GrpcStatusCode.OK);
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions
        {
            Address = server.Address,
            Deadline = TimeSpan.FromMilliseconds(1500),
            TimeProvider = new ManualTimeProvider(),
        });
        await using var call = transport.StartDuplexStreaming<StringValue, StringValue>(Method, StringValue.Parser, CancellationToken.None);

        Assert.Null(await call.ReadBoundedAsync());
        Assert.Equal("1500m", await grpcTimeout.Task.WaitAsync(Bound));
    }

    [Fact]
    public async Task Call_started_with_a_cancelled_token_fails_as_Cancelled_without_reaching_the_server()
    {
        var reached = 0;
        await using var server = await GrpcTestServer.StartAsync(context =>
        {
            Interlocked.Increment(ref reached);
            return Task.CompletedTask;
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartDuplexStreaming<StringValue, StringValue>(Method, StringValue.Parser, new CancellationToken(canceled: true));

        Assert.Equal(GrpcStatusCode.Cancelled, (await call.ReadFailureAsync()).StatusCode);
        Assert.Equal(0, Volatile.Read(ref reached));
    }

    [Fact]
    public async Task Cancelling_a_write_cancels_the_call_and_resets_the_stream()
    {
        var started = NewSignal();
        var aborted = NewSignal();
        await using var server = await GrpcTestServer.StartAsync(async context =>
        {
            await context.StartResponseAsync();
            started.TrySetResult();
            await context.WaitForAbortAsync(aborted);
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartDuplexStreaming<StringValue, StringValue>(Method, StringValue.Parser, CancellationToken.None);
        await started.Task.WaitAsync(Bound);

        var failure = await Assert.ThrowsAsync<GrpcCallException>(
            () => call.WriteAsync(new StringValue { Value = "never sent" }, new CancellationToken(canceled: true)).WaitAsync(Bound));

        Assert.Equal(GrpcStatusCode.Cancelled, failure.StatusCode);
        await aborted.Task.WaitAsync(Bound);
        Assert.Same(failure, await call.ReadFailureAsync());
    }

    [Fact]
    public async Task Disposing_the_transport_fails_its_running_calls()
    {
        var started = NewSignal();
        var aborted = NewSignal();
        await using var server = await GrpcTestServer.StartAsync(async context =>
        {
            await context.StartResponseAsync();
            started.TrySetResult();
            await context.WaitForAbortAsync(aborted);
        });
        var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartDuplexStreaming<StringValue, StringValue>(Method, StringValue.Parser, CancellationToken.None);
        await started.Task.WaitAsync(Bound);
        var read = call.ReadBoundedAsync();

        await transport.DisposeAsync();

        var failure = await Assert.ThrowsAsync<GrpcCallException>(() => read);
        Assert.Equal(GrpcStatusCode.Cancelled, failure.StatusCode);
        Assert.Contains("transport was disposed", failure.Detail);
        await aborted.Task.WaitAsync(Bound);
    }
}
