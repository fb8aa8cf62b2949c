using MeshClient.Registry;
using MeshClient.Testing.Tests.Grpc;
using MeshClient.Xds.Protos.Discovery;

namespace MeshClient.Testing.Tests;

/// <summary>
/// After each change FakePilot serves exactly its new state: the changed service's clusters and endpoints anew (its
/// mTLS settings, its subsets, a service removed and set again), every other service's resources byte for byte as
/// before.
/// </summary>
public sealed class FakePilotChangeTests : FakePilotTestBase
{
    [Fact]
    public async Task Replacing_a_service_serves_its_new_clusters_and_endpoints_and_the_others_unchanged()
    {
        SetReviews();
        SetRatings("10.2.0.1");
        var (call, cds) = await SubscribedAsync(ReviewsV1, ReviewsV2, Ratings);
        var eds = await call.ReadAsync();
        await AckAsync(call, eds, ReviewsV1, ReviewsV2, Ratings);

        // Reviews loses subset v2 (and v2-debug) and moves its v1 pod.
        Pilot.SetService(
            Reviews,
            9080,
            [new FakeEndpoint("10.1.0.9", 9080) { Labels = new Dictionary<string, string> { ["version"] = "v1" } }],
            [new FakeSubset("v1", new Dictionary<string, string> { ["version"] = "v1" })]);

        var cdsAfter = await call.ReadAsync();
        Assert.Equal(new[] { Ratings, ReviewsAll, ReviewsV1 }.Order(StringComparer.Ordinal), ClusterNames(cdsAfter).Order(StringComparer.Ordinal));
        Assert.Equal(ResourceOf(cds, Ratings), ResourceOf(cdsAfter, Ratings));
        var edsAfter = await call.ReadAsync();
        Assert.Equal(FakePilot.EndpointTypeUrlV3, edsAfter.TypeUrl);
        Assert.Equal([ReviewsV1, Ratings], AssignmentNames(edsAfter));
        Assert.Equal("10.1.0.9", Assignments(edsAfter)[0].Endpoints.Single().LbEndpoints.Single().Endpoint.Address.SocketAddress.Address);
        Assert.Equal(eds.Resources[2], edsAfter.Resources[1]);
    }

    [Fact]
    public async Task Peer_tls_set_after_the_clusters_were_served_is_in_the_next_push()
    {
        SetReviews();
        var (call, cds) = await OpenWithCdsAsync();
        Assert.DoesNotContain(Clusters(cds), UsesTls);
        await call.SendAsync(Requests.Ack(cds));
        await Pilot.WaitForRequestAsync(r => r.IsAck, Timeout);

        Pilot.SetPeerTls(Reviews, 9080, new FakePeerTls("spiffe://cluster.local/ns/default/sa/reviews"));
        var withTls = await call.ReadAsync();
        Assert.All(Clusters(withTls), c => Assert.True(UsesTls(c), c.Name));
        await call.SendAsync(Requests.Ack(withTls));
        await Pilot.WaitForRequestAsync(r => r.IsAck && r.ResponseNonce == withTls.Nonce, Timeout);

        Pilot.SetPeerTls(Reviews, 9080, null);
        var withoutTls = await call.ReadAsync();
        Assert.Equal(cds.Resources, withoutTls.Resources);
    }

    [Fact]
    public async Task A_service_removed_and_set_again_serves_its_new_endpoints()
    {
        SetRatings("10.2.0.1");
        var (call, _) = await SubscribedAsync(Ratings);
        var eds = await call.ReadAsync();
        await AckAsync(call, eds, Ratings);

        Assert.True(Pilot.RemoveService("ratings", 9080));
        var removed = await call.ReadAsync();
        Assert.Empty(removed.Resources);
        var none = await call.ReadAsync();
        Assert.Equal(FakePilot.EndpointTypeUrlV3, none.TypeUrl);
        Assert.Empty(none.Resources);

        SetRatings("10.2.0.7");
        var cds = await call.ReadAsync();
        Assert.Equal([Ratings], ClusterNames(cds));
        var again = await call.ReadAsync();
        Assert.Equal("10.2.0.7", Assignments(again).Single().Endpoints.Single().LbEndpoints.Single().Endpoint.Address.SocketAddress.Address);
    }

    [Fact]
    public async Task V2_and_v3_streams_each_get_their_own_resources_after_a_change()
    {
        SetReviews();
        var (v2, v2Cds) = await OpenWithCdsAsync(FakePilot.ClusterTypeUrlV2, FakePilot.AdsMethodV2);
        var (v3, v3Cds) = await OpenWithCdsAsync();
        await v2.SendAsync(Requests.Ack(v2Cds));
        await v3.SendAsync(Requests.Ack(v3Cds));
        await Pilot.WaitForRequestAsync(r => r.IsAck && r.ResponseNonce == v2Cds.Nonce, Timeout);
        await Pilot.WaitForRequestAsync(r => r.IsAck && r.ResponseNonce == v3Cds.Nonce, Timeout);

        SetRatings("10.2.0.1");

        var v2After = await v2.ReadAsync();
        var v3After = await v3.ReadAsync();
        Assert.All(v2After.Resources, r => Assert.Equal(FakePilot.ClusterTypeUrlV2, r.TypeUrl));
        Assert.All(v3After.Resources, r => Assert.Equal(FakePilot.ClusterTypeUrlV3, r.TypeUrl));
        Assert.Equal(5, v2After.Resources.Count);
        Assert.Equal(5, v3After.Resources.Count);
        Assert.Equal(v3Cds.Resources, v3After.Resources.Where(r => v3Cds.Resources.Contains(r)));
    }

    /// <summary>Opens a stream, acknowledges its CDS and subscribes to <paramref name="names"/>' endpoints.</summary>
    private async Task<(AdsTestCall Call, DiscoveryResponse Cds)> SubscribedAsync(params string[] names)
    {
        var (call, cds) = await OpenWithCdsAsync();
        await call.SendAsync(Requests.Ack(cds));
        await call.SendAsync(Requests.Subscribe(FakePilot.EndpointTypeUrlV3, names));
        return (call, cds);
    }

    private async Task AckAsync(AdsTestCall call, DiscoveryResponse eds, params string[] names)
    {
        await call.SendAsync(Requests.Ack(eds, names));
        await Pilot.WaitForRequestAsync(r => r.IsAck && r.ResponseNonce == eds.Nonce, Timeout);
    }

    private static bool UsesTls(MeshClient.Xds.Protos.Cluster.Cluster cluster) =>
        cluster.TransportSocketMatches.Any(m => m.TransportSocket.Name == "envoy.transport_sockets.tls" && !m.TransportSocket.TypedConfig.Value.IsEmpty);

    private static Google.Protobuf.WellKnownTypes.Any ResourceOf(DiscoveryResponse response, string clusterName) =>
        response.Resources[ClusterNames(response).IndexOf(clusterName)];
}
