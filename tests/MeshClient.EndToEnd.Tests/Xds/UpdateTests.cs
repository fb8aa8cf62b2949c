using MeshClient.Registry;
using MeshClient.Testing;
using MeshClient.Testing.Resources;
using MeshClient.Xds;
using Xunit.Abstractions;

namespace MeshClient.EndToEnd.Tests.Xds;

/// <summary>Pilot pushes after the first sync: CDS changes re-subscribe EDS, partial EDS pushes touch only their clusters.</summary>
public sealed class UpdateTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(XdsVersion.V3)]
    [InlineData(XdsVersion.V2)]
    public async Task Adding_a_subset_adds_its_cluster_with_its_endpoints(XdsVersion version)
    {
        await using var harness = await DiscoveryHarness.StartAsync(version, output, Bookinfo.Serve);
        await harness.WaitForFirstSyncAsync();
        var changesBefore = harness.Changes.Count;

        harness.Pilot.SetService(Bookinfo.ReviewsHost, 9080, Bookinfo.ReviewsPods, [Bookinfo.V1, Bookinfo.V2, Bookinfo.V3]);

        await harness.WaitUntilAsync(
            () => harness.Registry.Current.Clusters.TryGetValue(Bookinfo.ReviewsV3, out var c) && c.EndpointsReceived,
            "subset v3 with its endpoints");
        var v3 = Assert.Single(harness.Registry.Current.Clusters[Bookinfo.ReviewsV3].Endpoints);
        Assert.Equal("10.44.1.13", v3.Address);
        Assert.Equal(EndpointHealth.Draining, v3.Health);
        Assert.Equal("v3", v3.Labels["version"]);
        Assert.True(harness.Registry.Current.TryFindService("reviews", DiscoveryHarness.PodNamespace, out var reviews));
        Assert.Equal(["v1", "v2", "v3"], Sorted.Of(reviews.Subsets.Keys));

        // CDS added the cluster (Changed), then EDS gave it endpoints (Changed again).
        var changes = harness.Changes.Skip(changesBefore).ToList();
        Assert.Equal(2, changes.Count);
        Assert.DoesNotContain(Bookinfo.ReviewsV3, changes[0].Previous.Clusters.Keys);
        Assert.False(changes[0].Current.Clusters[Bookinfo.ReviewsV3].EndpointsReceived);
        Assert.True(changes[1].Current.Clusters[Bookinfo.ReviewsV3].EndpointsReceived);

        // The EDS subscription was re-sent with the new cluster, and every response was ACKed on the one stream.
        var resubscribe = await harness.WaitForRequestAsync(r => r.TypeUrl == harness.EndpointType && r.ResourceNames.Contains(Bookinfo.ReviewsV3));
        Assert.Equal(
            Sorted.Of(Bookinfo.RatingsAll, Bookinfo.ReviewsAll, Bookinfo.ReviewsV1, Bookinfo.ReviewsV2, Bookinfo.ReviewsV3),
            Sorted.Of(resubscribe.ResourceNames));
        await harness.WaitForAckOfLatestAsync(harness.EndpointType);
        Assert.DoesNotContain(harness.Pilot.Requests, r => r.IsNack || r.StreamId != 1);
        Assert.Equal(MeshConnectionState.Synced, harness.Registry.ConnectionState);
    }

    [Theory]
    [InlineData(XdsVersion.V3)]
    [InlineData(XdsVersion.V2)]
    public async Task Removing_a_service_removes_its_clusters_and_its_eds_subscription(XdsVersion version)
    {
        await using var harness = await DiscoveryHarness.StartAsync(version, output, Bookinfo.Serve);
        await harness.WaitForFirstSyncAsync();
        var changesBefore = harness.Changes.Count;

        Assert.True(harness.Pilot.RemoveService(Bookinfo.RatingsHost, 9080));

        await harness.WaitUntilAsync(() => !harness.Registry.Current.Clusters.ContainsKey(Bookinfo.RatingsAll), "ratings removed");
        var snapshot = harness.Registry.Current;
        Assert.False(snapshot.TryFindService("ratings", DiscoveryHarness.PodNamespace, out _));
        Assert.Equal(Sorted.Of(Bookinfo.ReviewsAll, Bookinfo.ReviewsV1, Bookinfo.ReviewsV2), Sorted.Of(snapshot.Clusters.Keys));
        Assert.All(snapshot.Clusters.Values, c => Assert.NotEmpty(c.Endpoints));
        var change = Assert.Single(harness.Changes.Skip(changesBefore));
        Assert.Contains(Bookinfo.RatingsAll, change.Previous.Clusters.Keys);

        var resubscribe = await harness.WaitForRequestAsync(r =>
            r.TypeUrl == harness.EndpointType && r.ResponseNonce.Length > 0 && !r.ResourceNames.Contains(Bookinfo.RatingsAll));
        Assert.Equal(Sorted.Of(Bookinfo.ReviewsAll, Bookinfo.ReviewsV1, Bookinfo.ReviewsV2), Sorted.Of(resubscribe.ResourceNames));
        await harness.WaitForAckOfLatestAsync(harness.ClusterType);
        await harness.WaitForAckOfLatestAsync(harness.EndpointType);
        Assert.DoesNotContain(harness.Pilot.Requests, r => r.IsNack);
    }

    [Theory]
    [InlineData(XdsVersion.V3)]
    [InlineData(XdsVersion.V2)]
    public async Task A_partial_eds_push_changes_only_its_cluster(XdsVersion version)
    {
        await using var harness = await DiscoveryHarness.StartAsync(version, output, Bookinfo.Serve);
        await harness.WaitForFirstSyncAsync();
        var synced = harness.Registry.Current;

        // Pilot pushes one cluster's endpoints, unchanged: the others keep theirs and nothing is published.
        await harness.Pilot.PushEndpointsAsync(Bookinfo.ReviewsV1);
        var partial = harness.Pilot.Responses[^1];
        Assert.Equal([Bookinfo.ReviewsV1], partial.ResourceNames);
        await harness.WaitForAckOfLatestAsync(harness.EndpointType);
        Assert.Same(synced, harness.Registry.Current);

        // Pilot pushes new endpoints for subset v1 only: v1 changes, every other cluster keeps its endpoints.
        var moved = new FakeEndpoint("10.44.1.99", 9080) { Labels = new Dictionary<string, string> { ["version"] = "v1" }, Locality = Bookinfo.ZoneB };
        await harness.Pilot.SendRawResponseAsync(
            harness.EndpointType,
            [IstioResourceBuilder.Pack(IstioResourceBuilder.BuildLoadAssignment(Bookinfo.ReviewsV1, [moved]), harness.EndpointType)]);
        await harness.WaitForAckOfLatestAsync(harness.EndpointType);

        var updated = harness.Registry.Current;
        Assert.Equal(synced.Version + 1, updated.Version);
        var v1 = Assert.Single(updated.Clusters[Bookinfo.ReviewsV1].Endpoints);
        Assert.Equal("10.44.1.99", v1.Address);
        Assert.Equal(Bookinfo.ZoneB, v1.Locality);
        foreach (var name in new[] { Bookinfo.ReviewsAll, Bookinfo.ReviewsV2, Bookinfo.RatingsAll })
        {
            Assert.Equal(Endpoints(synced, name), Endpoints(updated, name));
        }

        Assert.Equal(MeshConnectionState.Synced, harness.Registry.ConnectionState);
        Assert.DoesNotContain(harness.Pilot.Requests, r => r.IsNack);
    }

    private static string[] Endpoints(RegistrySnapshot snapshot, string cluster) =>
        Sorted.Of(snapshot.Clusters[cluster].Endpoints.Select(e => $"{e} {e.Health} w{e.Weight} p{e.Priority} {e.Locality} {string.Join(",", e.Labels.Select(l => l.Key + "=" + l.Value))}"));
}
