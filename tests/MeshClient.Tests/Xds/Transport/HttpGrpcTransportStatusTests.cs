using Grpc.Core;
using MeshClient.Xds.Protos.Discovery;
using MeshClient.Xds.Transport;
using static MeshClient.Tests.Xds.Transport.GrpcTestServer;

namespace MeshClient.Tests.Xds.Transport;

/// <summary>How a call ends: the server's status (in trailers or trailers-only), resets, limits and refused connections.</summary>
public sealed class HttpGrpcTransportStatusTests
{
    [Fact]
    public async Task Error_status_after_messages_fails_the_read_with_the_servers_code_and_message()
    {
        await using var server = await StartAsync(async (_, responses, _) =>
        {
            await WriteAsync(responses, new DiscoveryResponse { Nonce = "1" });
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "istiod: proxy ünknown (100%)"));
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartAds();

        Assert.Equal("1", (await call.ReadBoundedAsync())!.Nonce);
        var failure = await call.ReadFailureAsync();

        Assert.Equal(StatusCode.FailedPrecondition, failure.StatusCode);
        Assert.Equal("istiod: proxy ünknown (100%)", failure.Detail);
        Assert.Equal("gRPC call failed: FailedPrecondition (9): istiod: proxy ünknown (100%)", failure.Message);
        Assert.IsType<RpcException>(failure.InnerException);
    }

    [Fact]
    public async Task Trailers_only_status_fails_the_first_read_and_the_writes()
    {
        await using var server = await StartAsync((_, _, _) => throw new RpcException(new Status(StatusCode.PermissionDenied, "not authorized")));
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartAds();

        var failure = await call.ReadFailureAsync();

        Assert.Equal(StatusCode.PermissionDenied, failure.StatusCode);
        Assert.Equal("not authorized", failure.Detail);
        Assert.Equal("no token was sent (no token file is configured)", failure.Hint);
        var write = await Assert.ThrowsAnyAsync<Exception>(() => call.WriteBoundedAsync(new DiscoveryRequest()));
        Assert.IsNotType<TimeoutException>(write);
    }

    [Theory]
    [InlineData(0x7, StatusCode.Unavailable)] // REFUSED_STREAM: nothing was processed.
    [InlineData(0x8, StatusCode.Cancelled)] // CANCEL
    [InlineData(0x2, StatusCode.Internal)] // INTERNAL_ERROR
    public async Task Stream_reset_by_the_server_maps_its_http2_error_code(int errorCode, StatusCode expected)
    {
        await using var server = await StartAsync(async (requests, responses, context) =>
        {
            await WriteAsync(responses, new DiscoveryResponse { Nonce = "1" });

            // The client has read the response when it acknowledges it; a reset now cannot discard it.
            await ReadRequestAsync(requests);
            Reset(context, errorCode);
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartAds();

        Assert.Equal("1", (await call.ReadBoundedAsync())!.Nonce);
        await call.WriteBoundedAsync(new DiscoveryRequest { ResponseNonce = "1" });
        var failure = await call.ReadFailureAsync();

        Assert.Equal(expected, failure.StatusCode);
        Assert.Contains($"(0x{errorCode:X})", failure.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Message_larger_than_the_maximum_is_ResourceExhausted_and_ends_the_call()
    {
        var aborted = NewSignal();
        await using var server = await StartAsync(async (_, responses, context) =>
        {
            await WriteAsync(responses, new DiscoveryResponse { VersionInfo = new string('v', 100) });
            await WriteAsync(responses, new DiscoveryResponse { VersionInfo = new string('v', 2000) });
            await WaitForAbortAsync(context, aborted);
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address, MaxReceiveMessageSize = 1024 });
        await using var call = transport.StartAds();

        Assert.Equal(100, (await call.ReadBoundedAsync())!.VersionInfo.Length);
        var failure = await call.ReadFailureAsync();

        Assert.Equal(StatusCode.ResourceExhausted, failure.StatusCode);
        Assert.Contains("maximum", failure.Detail, StringComparison.OrdinalIgnoreCase);
        await aborted.Task.WaitAsync(Bound);
    }

    [Fact]
    public async Task Message_that_does_not_parse_fails_the_call_naming_the_parse_error()
    {
        await using var server = await StartAsync(async (_, responses, _) => await responses.WriteAsync([0x12, 0x0A, 0x01]));
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartAds();

        var failure = await call.ReadFailureAsync();

        // Grpc.Net.Client reports a response it cannot deserialize as Unavailable ("Error reading next message").
        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
        Assert.Contains("InvalidProtocolBufferException", failure.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connection_refused_is_Unavailable_with_the_cause()
    {
        int port;
        await using (var server = await StartAsync((_, _, _) => Task.CompletedTask))
        {
            port = server.Address.Port;
        }

        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = new Uri($"grpc://127.0.0.1:{port}") });
        await using var call = transport.StartAds();

        var failure = await call.ReadFailureAsync();

        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
        Assert.Contains("refused", failure.Detail, StringComparison.OrdinalIgnoreCase);
        var write = await Assert.ThrowsAsync<GrpcCallException>(() => call.WriteBoundedAsync(new DiscoveryRequest()));
        Assert.Equal(StatusCode.Unavailable, write.StatusCode);
    }

    [Fact]
    public async Task Https_address_speaks_tls()
    {
        var reached = NewSignal();
        await using var server = await StartAsync((_, _, _) =>
        {
            reached.TrySetResult();
            return Task.CompletedTask;
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = new Uri($"https://127.0.0.1:{server.Address.Port}") });
        await using var call = transport.StartAds();

        // The plaintext server cannot complete a TLS handshake: the call fails before reaching it.
        var failure = await call.ReadFailureAsync();

        Assert.Contains("SSL", failure.Detail, StringComparison.Ordinal);
        Assert.False(reached.Task.IsCompleted);
    }
}
