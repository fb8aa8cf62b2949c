using Xunit.Abstractions;
using MeshClient.Registry;
using MeshClient.Xds;

namespace MeshClient.EndToEnd.Tests.Xds;

/// <summary>The first sync over real HTTP/2: what the registry holds, what the client sent Pilot.</summary>
public sealed class FirstSyncTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(XdsVersion.V3)]
    [InlineData(XdsVersion.V2)]
    public async Task First_sync_fills_the_registry_with_every_cluster_and_its_endpoints(XdsVersion version)
    {
        await using var harness = await DiscoveryHarness.StartAsync(version, output, Bookinfo.Serve);

        await harness.Registry.WaitForFirstSyncAsync().WaitAsync(DiscoveryHarness.Bound);

        var snapshot = harness.Registry.Current;
        Assert.Equal(MeshConnectionState.Synced, harness.Registry.ConnectionState);
        Assert.Null(harness.Registry.LastError);
        Assert.Equal(
            Sorted.Of(Bookinfo.RatingsAll, Bookinfo.ReviewsAll, Bookinfo.ReviewsV1, Bookinfo.ReviewsV2),
            Sorted.Of(snapshot.Clusters.Keys));
        Assert.All(snapshot.Clusters.Values, c => Assert.True(c.EndpointsReceived, c.Name));

        var all = snapshot.Clusters[Bookinfo.ReviewsAll];
        Assert.Equal(ClusterLoadBalancerPolicy.RoundRobin, all.LoadBalancerPolicy);
        Assert.Equal(["10.44.1.11:9080", "10.44.1.12:9080", "10.44.1.13:9080"], all.Endpoints.Select(e => e.ToString()).Order(StringComparer.Ordinal));

        var v1 = Assert.Single(snapshot.Clusters[Bookinfo.ReviewsV1].Endpoints);
        Assert.Equal("10.44.1.11", v1.Address);
        Assert.Equal(9080, v1.Port);
        Assert.Equal(EndpointHealth.Healthy, v1.Health);
        Assert.Equal(1u, v1.Weight);
        Assert.Equal(Bookinfo.ZoneA, v1.Locality);
        Assert.Equal(0u, v1.Priority);
        Assert.Equal("reviews", v1.Labels["app"]);
        Assert.Equal("v1", v1.Labels["version"]);

        var v2 = Assert.Single(snapshot.Clusters[Bookinfo.ReviewsV2].Endpoints);
        Assert.Equal("10.44.1.12", v2.Address);
        Assert.Equal(3u, v2.Weight);
        Assert.Equal(Bookinfo.ZoneB, v2.Locality);
        Assert.Equal(3u, v2.LocalityWeight);
        Assert.Equal(1u, v2.Priority);
        Assert.Equal("v2", v2.Labels["version"]);

        var draining = Assert.Single(all.Endpoints, e => e.Address == "10.44.1.13");
        Assert.Equal(EndpointHealth.Draining, draining.Health);
        Assert.False(draining.IsRoutable);

        var ratings = snapshot.Clusters[Bookinfo.RatingsAll];
        Assert.Equal(ClusterLoadBalancerPolicy.LeastRequest, ratings.LoadBalancerPolicy);
        Assert.Equal([EndpointHealth.Healthy, EndpointHealth.Unhealthy], ratings.Endpoints.OrderBy(e => e.Address, StringComparer.Ordinal).Select(e => e.Health));

        // The services are found the way callers name them.
        Assert.True(snapshot.TryFindService("reviews", DiscoveryHarness.PodNamespace, out var reviews));
        Assert.Same(all, reviews.AllEndpoints);
        Assert.Equal(["v1", "v2"], reviews.Subsets.Keys.Order(StringComparer.Ordinal));
        Assert.True(snapshot.TryFindService("ratings.bookinfo:9080", "default", out var ratingsService));
        Assert.Same(ratings, ratingsService.AllEndpoints);
    }

    [Theory]
    [InlineData(XdsVersion.V3)]
    [InlineData(XdsVersion.V2)]
    public async Task First_request_carries_the_sidecar_node_id_and_metadata_on_the_versions_method(XdsVersion version)
    {
        await using var harness = await DiscoveryHarness.StartAsync(version, output, Bookinfo.Serve);
        await harness.WaitForFirstSyncAsync();

        var requests = harness.Pilot.Requests;
        var first = requests[0];
        Assert.Equal(harness.MethodPath, first.MethodPath);
        Assert.Equal(harness.ClusterType, first.TypeUrl);
        Assert.Equal("sidecar~10.44.0.7~productpage-v1-6b746f74dc-9stvs.bookinfo~bookinfo.svc.cluster.local", first.NodeId);
        Assert.Equal(string.Empty, first.VersionInfo);
        Assert.Equal(string.Empty, first.ResponseNonce);
        Assert.Empty(first.ResourceNames);

        var metadata = first.NodeMetadata!.Fields;
        Assert.Equal(XdsClientOptions.DefaultIstioVersion, metadata["ISTIO_VERSION"].StringValue);
        Assert.Equal("bookinfo", metadata["NAMESPACE"].StringValue);
        Assert.Equal("10.44.0.7", metadata["INSTANCE_IPS"].StringValue);
        Assert.Equal(XdsClientOptions.DefaultClusterId, metadata["CLUSTER_ID"].StringValue);
        var labels = metadata["LABELS"].StructValue.Fields;
        Assert.Equal("productpage", labels["app"].StringValue);
        Assert.Equal("v1", labels["version"].StringValue);

        // The node is sent once per stream, and everything went over one stream.
        Assert.All(requests.Skip(1), r => Assert.Null(r.NodeId));
        Assert.All(requests, r => Assert.Equal(1, r.StreamId));
        Assert.All(requests, r => Assert.Equal(harness.MethodPath, r.MethodPath));
    }

    [Theory]
    [InlineData(XdsVersion.V3)]
    [InlineData(XdsVersion.V2)]
    public async Task Cds_and_eds_responses_are_acked_with_their_versions_and_nonces(XdsVersion version)
    {
        await using var harness = await DiscoveryHarness.StartAsync(version, output, Bookinfo.Serve);
        await harness.WaitForFirstSyncAsync();
        var cdsAck = await harness.WaitForAckOfLatestAsync(harness.ClusterType);
        var edsAck = await harness.WaitForAckOfLatestAsync(harness.EndpointType);

        var cds = Assert.Single(harness.Pilot.Responses, r => r.TypeUrl == harness.ClusterType);
        var eds = Assert.Single(harness.Pilot.Responses, r => r.TypeUrl == harness.EndpointType);
        Assert.Equal(cds.VersionInfo, cdsAck.VersionInfo);
        Assert.Equal(cds.Nonce, cdsAck.ResponseNonce);
        Assert.Equal(eds.VersionInfo, edsAck.VersionInfo);
        Assert.Equal(eds.Nonce, edsAck.ResponseNonce);
        Assert.Null(cdsAck.ErrorDetail);
        Assert.Null(edsAck.ErrorDetail);

        // EDS subscribes to exactly the EDS clusters, and Pilot answered all of them.
        var edsNames = Sorted.Of(Bookinfo.RatingsAll, Bookinfo.ReviewsAll, Bookinfo.ReviewsV1, Bookinfo.ReviewsV2);
        var subscribe = Assert.Single(harness.Pilot.Requests, r => r.TypeUrl == harness.EndpointType && r.ResponseNonce.Length == 0);
        Assert.Equal(edsNames, Sorted.Of(subscribe.ResourceNames));
        Assert.Equal(edsNames, Sorted.Of(edsAck.ResourceNames));
        Assert.Equal(edsNames, Sorted.Of(eds.ResourceNames));
        Assert.DoesNotContain(harness.Pilot.Requests, r => r.IsNack || r.IsStale);
    }
}
