using Grpc.Core;
using MeshClient.Xds.Protos.Discovery;
using MeshClient.Xds.Transport;
using static MeshClient.Tests.Xds.Transport.GrpcTestServer;

namespace MeshClient.Tests.Xds.Transport;

/// <summary>Messages both ways on one long-lived call, against a real Grpc.AspNetCore server.</summary>
public sealed class HttpGrpcTransportStreamingTests
{
    [Fact]
    public async Task Ping_pong_of_several_messages_over_a_grpc_address_then_OK_ends_the_reads()
    {
        var method = NewSignal<string>();
        await using var server = await StartAsync(async (requests, responses, context) =>
        {
            method.TrySetResult(context.Method);
            while (await ReadRequestAsync(requests) is { } request)
            {
                await WriteAsync(responses, new DiscoveryResponse { TypeUrl = request.TypeUrl, Nonce = "n-" + request.VersionInfo });
            }
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.GrpcAddress });
        await using var call = transport.StartAds();

        for (var i = 1; i <= 3; i++)
        {
            await call.WriteBoundedAsync(new DiscoveryRequest { TypeUrl = "t", VersionInfo = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            Assert.Equal($"n-{i}", (await call.ReadBoundedAsync())!.Nonce);
        }

        await call.CompleteWritesAsync();
        await call.CompleteWritesAsync();
        Assert.Null(await call.ReadBoundedAsync());
        Assert.Equal(HttpGrpcTransport.AdsMethodV3, await method.Task.WaitAsync(Bound));
        await Assert.ThrowsAsync<ArgumentNullException>(() => call.WriteAsync(null!, CancellationToken.None));
    }

    [Fact]
    public async Task The_v2_method_reaches_the_v2_service()
    {
        var method = NewSignal<string>();
        await using var server = await StartAsync((_, _, context) =>
        {
            method.TrySetResult(context.Method);
            return Task.CompletedTask;
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartAds(methodPath: HttpGrpcTransport.AdsMethodV2);

        Assert.Null(await call.ReadBoundedAsync());
        Assert.Equal("/envoy.service.discovery.v2.AggregatedDiscoveryService/StreamAggregatedResources", await method.Task.WaitAsync(Bound));
    }

    [Fact]
    public async Task The_call_is_grpc_over_http2_and_reaches_the_server_before_the_first_write()
    {
        var seen = NewSignal<(string Protocol, string ContentType, string Te)>();
        await using var server = await StartAsync((_, _, context) =>
        {
            var request = context.GetHttpContext().Request;
            seen.TrySetResult((request.Protocol, request.ContentType ?? string.Empty, request.Headers.TE.ToString()));
            return Task.CompletedTask;
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });

        // Pilot may speak first (or end the call at once): the call must reach it without a message from the client.
        await using var call = transport.StartAds();
        var (protocol, contentType, te) = await seen.Task.WaitAsync(Bound);

        Assert.Equal("HTTP/2", protocol);
        Assert.StartsWith("application/grpc", contentType, StringComparison.Ordinal);
        Assert.Equal("trailers", te);
        Assert.Null(await call.ReadBoundedAsync());
    }

    [Fact]
    public async Task Server_may_end_with_OK_before_the_client_completes_its_writes()
    {
        await using var server = await StartAsync(async (requests, responses, _) =>
        {
            await ReadRequestAsync(requests);
            await WriteAsync(responses, new DiscoveryResponse { Nonce = "only" });
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartAds();

        await call.WriteBoundedAsync(new DiscoveryRequest());
        Assert.Equal("only", (await call.ReadBoundedAsync())!.Nonce);
        Assert.Null(await call.ReadBoundedAsync());
        await call.CompleteWritesAsync();
    }

    [Fact]
    public async Task Overlapping_reads_are_rejected()
    {
        var release = NewSignal();
        await using var server = await StartAsync(async (_, _, context) => await release.Task.WaitAsync(context.CancellationToken));
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartAds();

        var first = call.ReadBoundedAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => call.ReadBoundedAsync());
        release.SetResult();
        Assert.Null(await first);
    }
}
