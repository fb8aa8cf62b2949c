using System.Net;
using Google.Protobuf.WellKnownTypes;
using MeshClient.Xds.Protocol;
using MeshClient.Xds.Protos.Discovery;
using MeshClient.Xds.Transport;

namespace MeshClient.Tests.Xds.Transport;

/// <summary>The transport object itself: its handler, its address, its methods and its argument checks.</summary>
public sealed class HttpGrpcTransportTests
{
    [Fact]
    public void Handler_keeps_one_http2_connection_alive_with_pings_and_leaves_balancing_off()
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
        Assert.False(handler.UseProxy);
        Assert.Equal(DecompressionMethods.None, handler.AutomaticDecompression);

        // Grpc.Net.Client's balancer would connect on its own (with its own backoff); the ADS client reconnects instead.
        Assert.Equal(true, handler.Properties["__GrpcLoadBalancingDisabled"]);
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
    public void The_generated_services_name_the_methods_the_protocol_calls()
    {
        Assert.Equal(XdsTypeUrls.AdsMethodV3, HttpGrpcTransport.AdsMethodV3);
        Assert.Equal(XdsTypeUrls.AdsMethodV2, HttpGrpcTransport.AdsMethodV2);
    }

    [Fact]
    public async Task Only_the_ads_methods_and_messages_are_served()
    {
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = new Uri("grpc://pilot:15010") });

        var path = Assert.Throws<ArgumentException>(() => transport.StartDuplexStreaming<DiscoveryRequest, DiscoveryResponse>(
            "/envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources", DiscoveryResponse.Parser, CancellationToken.None));
        Assert.Contains("is not an ADS method", path.Message);
        Assert.Throws<ArgumentException>(() => transport.StartDuplexStreaming<DiscoveryRequest, DiscoveryResponse>(
            string.Empty, DiscoveryResponse.Parser, CancellationToken.None));
        Assert.Throws<NotSupportedException>(() => transport.StartDuplexStreaming<StringValue, StringValue>(
            HttpGrpcTransport.AdsMethodV3, StringValue.Parser, CancellationToken.None));
        Assert.Throws<NotSupportedException>(() => transport.StartDuplexStreaming<DiscoveryRequest, StringValue>(
            HttpGrpcTransport.AdsMethodV3, StringValue.Parser, CancellationToken.None));
        Assert.Throws<NotSupportedException>(() => transport.StartDuplexStreaming<StringValue, DiscoveryResponse>(
            HttpGrpcTransport.AdsMethodV3, DiscoveryResponse.Parser, CancellationToken.None));
    }

    [Fact]
    public void Status_without_a_message_reads_as_the_code_alone()
    {
        var failure = new GrpcCallException(global::Grpc.Core.StatusCode.Unavailable, null);

        Assert.Equal("gRPC call failed: Unavailable (14)", failure.Message);
        Assert.Equal(string.Empty, failure.Detail);
    }

    [Fact]
    public async Task Disposed_transport_starts_no_calls()
    {
        var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = new Uri("grpc://pilot:15010") });
        await transport.DisposeAsync();
        await transport.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => transport.StartAds());
    }
}
