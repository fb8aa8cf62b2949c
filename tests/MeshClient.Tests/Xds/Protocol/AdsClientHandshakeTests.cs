using MeshClient.Xds;
using MeshClient.Xds.Protocol;
using static MeshClient.Tests.Xds.Protocol.XdsFixtures;

namespace MeshClient.Tests.Xds.Protocol;

public sealed class AdsClientHandshakeTests
{
    [Fact]
    public async Task First_request_is_a_wildcard_cds_request_with_the_node_and_empty_version_and_nonce()
    {
        await using var ads = new AdsHarness(o => o.Labels = new Dictionary<string, string> { ["app"] = "productpage", ["version"] = "v1" }).Start();

        var (call, first) = await ads.NextStreamAsync();

        Assert.Equal(XdsTypeUrls.AdsMethodV3, call.MethodPath);
        Assert.Equal(XdsTypeUrls.ClusterV3, first.TypeUrl);
        Assert.Empty(first.ResourceNames);
        Assert.Equal(string.Empty, first.VersionInfo);
        Assert.Equal(string.Empty, first.ResponseNonce);
        Assert.Null(first.ErrorDetail);
        Assert.NotNull(first.Node);
        Assert.Equal("sidecar~10.0.0.5~productpage-v1-123.default~default.svc.cluster.local", first.Node.Id);
        Assert.Equal("meshclient-dotnet", first.Node.UserAgentName);
        var metadata = first.Node.Metadata.Fields;
        Assert.Equal("default", metadata["NAMESPACE"].StringValue);
        Assert.Equal("10.0.0.5", metadata["INSTANCE_IPS"].StringValue);
        Assert.Equal("Kubernetes", metadata["CLUSTER_ID"].StringValue);
        Assert.Equal(XdsClientOptions.DefaultIstioVersion, metadata["ISTIO_VERSION"].StringValue);
        Assert.Equal("v1", metadata["LABELS"].StructValue.Fields["version"].StringValue);
        Assert.Equal("productpage", metadata["LABELS"].StructValue.Fields["app"].StringValue);
    }

    [Fact]
    public async Task Node_is_sent_only_in_the_first_request_of_each_stream()
    {
        await using var ads = new AdsHarness().Start();
        var (call, first) = await ads.NextStreamAsync();
        Assert.NotNull(first.Node);

        var requests = await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "1", "n1", EdsCluster(Reviews)));
        Assert.Equal(2, requests.Count); // EDS subscription, then the CDS ACK
        Assert.All(requests, r => Assert.Null(r.Node));
        var edsAck = await ads.SendAsync(call, Response(ads.EndpointType, "e1", "n2", Assignment(Reviews, Endpoint("10.1.0.1", 9080))));
        Assert.Null(edsAck.Node);

        call.Fail(AdsHarness.Unavailable("reset"));
        var (second, reconnectFirst, _) = await ads.ReconnectAsync();
        Assert.NotNull(reconnectFirst.Node);
        Assert.Equal(first.Node, reconnectFirst.Node);
        var reconnectEds = await second.NextRequestAsync();
        Assert.Equal(ads.EndpointType, reconnectEds.TypeUrl);
        Assert.Null(reconnectEds.Node);
    }

    [Fact]
    public async Task V2_uses_the_v2_method_path_and_type_urls()
    {
        await using var ads = new AdsHarness(o => o.Version = XdsVersion.V2).Start();
        var (call, first) = await ads.NextStreamAsync();

        Assert.Equal("/envoy.service.discovery.v2.AggregatedDiscoveryService/StreamAggregatedResources", call.MethodPath);
        Assert.Equal("type.googleapis.com/envoy.api.v2.Cluster", first.TypeUrl);

        var requests = await ads.SendAndCollectAsync(call, Response("type.googleapis.com/envoy.api.v2.Cluster", "1", "n1", EdsCluster(Reviews)));
        Assert.Equal("type.googleapis.com/envoy.api.v2.ClusterLoadAssignment", requests[0].TypeUrl);
        Assert.Equal([Reviews], requests[0].ResourceNames);
        Assert.Equal("1", requests[1].VersionInfo);
        Assert.Null(requests[1].ErrorDetail);

        var edsAck = await ads.SendAsync(call, Response("type.googleapis.com/envoy.api.v2.ClusterLoadAssignment", "e1", "n2", Assignment(Reviews, Endpoint("10.1.0.1", 9080))));
        Assert.Null(edsAck.ErrorDetail);
        Assert.Equal("10.1.0.1", Assert.Single(ads.Registry.Current.Clusters[Reviews].Endpoints).Address);
    }

    [Fact]
    public async Task V3_resources_on_a_v2_stream_are_an_unknown_type_and_ignored()
    {
        await using var ads = new AdsHarness(o => o.Version = XdsVersion.V2).Start();
        var (call, _) = await ads.NextStreamAsync();

        call.Send(Response(XdsTypeUrls.ClusterV3, "1", "v3-nonce", EdsCluster(Reviews)));
        var ack = await ads.SendAsync(call, Response(XdsTypeUrls.ClusterV2, "2", "v2-nonce", InlineCluster("static", MeshClient.Xds.Protos.Cluster.Cluster.Types.DiscoveryType.Static)));

        Assert.Equal("2", ack.VersionInfo);
        Assert.Equal(["static"], ads.Registry.Current.Clusters.Keys);
    }

    [Fact]
    public async Task RunAsync_cannot_run_twice_at_once()
    {
        await using var ads = new AdsHarness().Start();
        await ads.NextStreamAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => ads.Client.RunAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Start_and_StopAsync_run_and_end_the_loop_and_dispose_the_call()
    {
        var ads = new AdsHarness();
        await using (ads)
        {
            ads.Client.Start();
            var (call, _) = await ads.NextStreamAsync();

            await ads.Client.StopAsync().WaitAsync(Fakes.FakeGrpcTransport.Bound);

            await call.Disposed.WaitAsync(Fakes.FakeGrpcTransport.Bound);
            Assert.Equal(1, ads.Transport.CallCount);
        }

        await ads.Client.DisposeAsync();
        Assert.Throws<ObjectDisposedException>(ads.Client.Start);
    }
}
