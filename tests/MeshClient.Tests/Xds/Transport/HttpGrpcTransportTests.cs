using System.Net;
using Google.Protobuf.WellKnownTypes;
using MeshClient.Xds.Transport;

namespace MeshClient.Tests.Xds.Transport;

/// <summary>The transport object itself: its handler, its address and its argument checks.</summary>
public sealed class HttpGrpcTransportTests
{
    [Fact]
    public void Handler_keeps_one_http2_connection_alive_with_pings()
    {
        var options = new GrpcTransportOptions
        {
            Address = new Uri("grpc://pilot:15010"),
            KeepAlivePingDelay = TimeSpan.FromSeconds(20),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
            ConnectTimeout = TimeSpan.FromSeconds(3),
        };

        using var handler = HttpGrpcTransport.CreateHandler(options);

        Assert.Equal(TimeSpan.FromSeconds(20), handler.KeepAlivePingDelay);
        Assert.Equal(TimeSpan.FromSeconds(5), handler.KeepAlivePingTimeout);
        Assert.Equal(HttpKeepAlivePingPolicy.Always, handler.KeepAlivePingPolicy);
        Assert.Equal(TimeSpan.FromSeconds(3), handler.ConnectTimeout);
        Assert.Equal(Timeout.InfiniteTimeSpan, handler.PooledConnectionIdleTimeout);
        Assert.False(handler.EnableMultipleHttp2Connections);
        Assert.Equal(DecompressionMethods.None, handler.AutomaticDecompression);
    }

    [Fact]
    public async Task Grpc_address_is_served_as_http()
    {
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = new Uri("grpc://istio-pilot.istio-system:15010") });

        Assert.Equal(new Uri("http://istio-pilot.istio-system:15010/"), transport.Address);
    }

    [Fact]
    public void Invalid_options_fail_the_constructor()
    {
        var error = Assert.Throws<ArgumentException>(() => new HttpGrpcTransport(new GrpcTransportOptions { Address = new Uri("ws://pilot:15010") }));

        Assert.Contains("scheme 'ws'", error.Message);
    }

    [Fact]
    public async Task Method_path_must_start_with_a_slash()
    {
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = new Uri("grpc://pilot:15010") });

        var error = Assert.Throws<ArgumentException>(() => transport.StartDuplexStreaming<StringValue, StringValue>(
            "envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources", StringValue.Parser, CancellationToken.None));

        Assert.Contains("must start with '/'", error.Message);
    }

    [Fact]
    public async Task Disposed_transport_starts_no_calls()
    {
        var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = new Uri("grpc://pilot:15010") });
        await transport.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => transport.StartDuplexStreaming<StringValue, StringValue>("/a.B/C", StringValue.Parser, CancellationToken.None));
    }
}
