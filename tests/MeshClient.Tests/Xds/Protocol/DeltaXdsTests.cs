using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using MeshClient.Registry;
using MeshClient.Testing;
using MeshClient.Xds.Protocol;
using static MeshClient.Tests.Xds.Protocol.XdsFixtures;
using Cluster = MeshClient.Xds.Protos.Cluster.Cluster;

namespace MeshClient.Tests.Xds.Protocol;

/// <summary>Incremental (delta) xDS against FakePilot over real gRPC.</summary>
public sealed class DeltaXdsTests
{
    private const string Cds = FakePilot.ClusterTypeUrlV3;
    private const string Eds = FakePilot.EndpointTypeUrlV3;

    [Fact]
    public async Task The_first_delta_subscription_is_a_wildcard_CDS_then_EDS_by_name_and_each_response_is_acked_by_nonce()
    {
        await using var harness = await PilotClientHarness.StartPilotAsync();
        harness.Pilot.SetService("reviews", 9080, [new FakeEndpoint("10.1.0.1", 9080), new FakeEndpoint("10.1.0.2", 9080)]);
        harness.StartClient(o => o.Protocol = XdsProtocol.Delta);

        await harness.WaitForSyncedAsync();
        var snapshot = await harness.WaitForRegistryAsync(s => PilotClientHarness.EndpointCount(s, Reviews) == 2, "reviews with 2 endpoints");

        var requests = harness.Pilot.Requests;
        var first = requests[0];
        Assert.True(first.IsDelta);
        Assert.Equal(XdsTypeUrls.DeltaAdsMethodV3, first.MethodPath);
        Assert.Equal(Cds, first.TypeUrl);
        Assert.Equal(["*"], first.ResourceNamesSubscribe);
        Assert.Empty(first.InitialResourceVersions);
        Assert.Equal("sidecar~10.0.0.5~productpage-v1-123.default~default.svc.cluster.local", first.NodeId);
        var eds = Assert.Single(requests, r => r.TypeUrl == Eds && r.ResourceNamesSubscribe.Count > 0);
        Assert.Equal([Reviews], eds.ResourceNamesSubscribe);
        Assert.Null(eds.NodeId);
        Assert.Equal(string.Empty, eds.ResponseNonce);

        foreach (var response in harness.Pilot.Responses)
        {
            Assert.True(response.IsDelta);
            var ack = await harness.WaitForRequestAsync(r => r.ResponseNonce == response.Nonce);
            Assert.True(ack.IsAck, ack.ToString());
            Assert.Equal(response.TypeUrl, ack.TypeUrl);
        }

        Assert.Equal(["10.1.0.1", "10.1.0.2"], snapshot.Clusters[Reviews].Endpoints.Select(e => e.Address).Order());
    }

    [Fact]
    public async Task A_change_arrives_as_only_the_changed_resource_and_applies()
    {
        await using var harness = await PilotClientHarness.StartPilotAsync();
        harness.Pilot.SetService("reviews", 9080, [new FakeEndpoint("10.1.0.1", 9080)]);
        harness.Pilot.SetService("ratings", 9080, [new FakeEndpoint("10.2.0.1", 9080)]);
        harness.StartClient(o => o.Protocol = XdsProtocol.Delta);
        await harness.WaitForRegistryAsync(s => PilotClientHarness.EndpointCount(s, Reviews) == 1 && PilotClientHarness.EndpointCount(s, Ratings) == 1, "both services");
        var before = harness.Pilot.Responses.Count;
        var ratingsBefore = harness.Registry.Current.Clusters[Ratings];

        harness.Pilot.SetService("reviews", 9080, [new FakeEndpoint("10.1.0.1", 9080), new FakeEndpoint("10.1.0.3", 9080)]);

        var snapshot = await harness.WaitForRegistryAsync(s => PilotClientHarness.EndpointCount(s, Reviews) == 2, "reviews with 2 endpoints");
        var change = await harness.WaitForResponseAsync(r => r.Sequence > before && r.TypeUrl == Eds);
        Assert.Equal([Reviews], change.ResourceNames);
        Assert.Empty(change.RemovedResources);
        Assert.DoesNotContain(harness.Pilot.Responses, r => r.Sequence > before && r.TypeUrl == Cds);
        Assert.True((await harness.WaitForRequestAsync(r => r.ResponseNonce == change.Nonce)).IsAck);
        Assert.Equal(ratingsBefore.Endpoints, snapshot.Clusters[Ratings].Endpoints);
    }

    [Fact]
    public async Task A_removal_arrives_as_removed_resources_and_the_client_unsubscribes_its_endpoints()
    {
        await using var harness = await PilotClientHarness.StartPilotAsync();
        harness.Pilot.SetService("reviews", 9080, [new FakeEndpoint("10.1.0.1", 9080)]);
        harness.Pilot.SetService("ratings", 9080, [new FakeEndpoint("10.2.0.1", 9080)]);
        harness.StartClient(o => o.Protocol = XdsProtocol.Delta);
        await harness.WaitForRegistryAsync(s => PilotClientHarness.EndpointCount(s, Ratings) == 1 && PilotClientHarness.EndpointCount(s, Reviews) == 1, "both services");
        var before = harness.Pilot.Responses.Count;

        Assert.True(harness.Pilot.RemoveService("ratings", 9080));

        var snapshot = await harness.WaitForRegistryAsync(s => !s.Clusters.ContainsKey(Ratings), "ratings removed");
        var removal = await harness.WaitForResponseAsync(r => r.Sequence > before && r.TypeUrl == Cds);
        Assert.Empty(removal.ResourceNames);
        Assert.Equal([Ratings], removal.RemovedResources);
        var unsubscribe = await harness.WaitForRequestAsync(r => r.TypeUrl == Eds && r.ResourceNamesUnsubscribe.Count > 0);
        Assert.Equal([Ratings], unsubscribe.ResourceNamesUnsubscribe);
        Assert.Empty(unsubscribe.ResourceNamesSubscribe);
        Assert.Equal(1, PilotClientHarness.EndpointCount(snapshot, Reviews));
    }

    [Fact]
    public async Task An_added_cluster_subscribes_only_its_own_endpoints_and_they_apply()
    {
        await using var harness = await PilotClientHarness.StartPilotAsync();
        harness.Pilot.SetService("reviews", 9080, [new FakeEndpoint("10.1.0.1", 9080)]);
        harness.StartClient(o => o.Protocol = XdsProtocol.Delta);
        await harness.WaitForRegistryAsync(s => PilotClientHarness.EndpointCount(s, Reviews) == 1, "reviews");
        await harness.WaitForSyncedAsync();
        var before = harness.Pilot.Requests.Max(r => r.Sequence);

        harness.Pilot.SetService("ratings", 9080, [new FakeEndpoint("10.2.0.1", 9080)]);

        var snapshot = await harness.WaitForRegistryAsync(s => PilotClientHarness.EndpointCount(s, Ratings) == 1, "ratings with its endpoint");
        var subscribe = await harness.WaitForRequestAsync(r => r.Sequence > before && r.TypeUrl == Eds && r.ResourceNamesSubscribe.Count > 0);
        Assert.Equal([Ratings], subscribe.ResourceNamesSubscribe);
        Assert.Empty(subscribe.ResourceNamesUnsubscribe);
        Assert.Empty(subscribe.InitialResourceVersions);
        Assert.Equal(1, PilotClientHarness.EndpointCount(snapshot, Reviews));
        Assert.Single(harness.Pilot.Requests, r => r.Sequence > before && r.TypeUrl == Eds && r.ResourceNamesSubscribe.Count > 0);
    }

    [Fact]
    public async Task One_bad_resource_is_nacked_by_nonce_while_the_others_apply()
    {
        await using var harness = await PilotClientHarness.StartPilotAsync();
        const string Good = "outbound|80||good.default.svc.cluster.local";
        const string Bad = "outbound|80||bad.default.svc.cluster.local";
        const string Other = "outbound|80||other.default.svc.cluster.local";
        harness.Pilot.SetRawResources(Cds, [Pack(Static(Good, 80))]);
        harness.StartClient(o => o.Protocol = XdsProtocol.Delta);
        await harness.WaitForSyncedAsync();
        var before = harness.Pilot.Responses.Count;

        harness.Pilot.SetRawResources(Cds, [Pack(Static(Good, 80)), Pack(Static(Bad, 0)), Pack(Static(Other, 80))]);

        var snapshot = await harness.WaitForRegistryAsync(s => s.Clusters.ContainsKey(Other), "the valid new cluster");
        Assert.False(snapshot.Clusters.ContainsKey(Bad));
        Assert.True(snapshot.Clusters.ContainsKey(Good));
        var response = await harness.WaitForResponseAsync(r => r.Sequence > before && r.TypeUrl == Cds);
        Assert.Equal([Bad, Other], response.ResourceNames.Order(StringComparer.Ordinal));
        var nack = await harness.WaitForRequestAsync(r => r.ResponseNonce == response.Nonce);
        Assert.True(nack.IsNack);
        Assert.Equal(3, nack.ErrorDetail!.Code);
        Assert.Contains(Bad, nack.ErrorDetail.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Other, nack.ErrorDetail.Message, StringComparison.Ordinal);
        Assert.Contains(Bad, harness.Registry.LastError, StringComparison.Ordinal);

        // Fixed: only the resource that changed comes again, and it is accepted.
        var fixedBefore = harness.Pilot.Responses.Count;
        harness.Pilot.SetRawResources(Cds, [Pack(Static(Good, 80)), Pack(Static(Bad, 80)), Pack(Static(Other, 80))]);
        await harness.WaitForRegistryAsync(s => s.Clusters.ContainsKey(Bad), "the fixed cluster");
        var fix = await harness.WaitForResponseAsync(r => r.Sequence > fixedBefore && r.TypeUrl == Cds);
        Assert.Equal([Bad], fix.ResourceNames);
        Assert.True((await harness.WaitForRequestAsync(r => r.ResponseNonce == fix.Nonce)).IsAck);
    }

    [Fact]
    public async Task A_reconnect_declares_the_versions_held_and_gets_only_what_changed_meanwhile()
    {
        await using var harness = await PilotClientHarness.StartPilotAsync();
        harness.Pilot.SetService("reviews", 9080, [new FakeEndpoint("10.1.0.1", 9080)]);
        harness.Pilot.SetService("ratings", 9080, [new FakeEndpoint("10.2.0.1", 9080)]);
        harness.StartClient(o => o.Protocol = XdsProtocol.Delta);
        await harness.WaitForRegistryAsync(s => PilotClientHarness.EndpointCount(s, Ratings) == 1 && PilotClientHarness.EndpointCount(s, Reviews) == 1, "both services");
        await harness.WaitForSyncedAsync();

        await harness.Pilot.StopAsync();
        harness.Pilot.SetService("ratings", 9080, [new FakeEndpoint("10.2.0.1", 9080), new FakeEndpoint("10.2.0.2", 9080)]);
        await harness.Pilot.RestartAsync();
        var streamsBefore = harness.Pilot.Requests.Max(r => r.StreamId);

        var cds = await harness.ReconnectAsync(r => r.StreamId > streamsBefore && r.TypeUrl == Cds);
        Assert.Equal(["*"], cds.ResourceNamesSubscribe);
        Assert.Equal([Ratings, Reviews], cds.InitialResourceVersions.Keys.Order(StringComparer.Ordinal));
        Assert.All(cds.InitialResourceVersions.Values, v => Assert.NotEmpty(v));
        var eds = await harness.WaitForRequestAsync(r => r.StreamId == cds.StreamId && r.TypeUrl == Eds);
        Assert.Equal([Ratings, Reviews], eds.ResourceNamesSubscribe.Order(StringComparer.Ordinal));
        Assert.Equal([Ratings, Reviews], eds.InitialResourceVersions.Keys.Order(StringComparer.Ordinal));

        await harness.WaitForRegistryAsync(s => PilotClientHarness.EndpointCount(s, Ratings) == 2, "ratings with 2 endpoints");
        await harness.WaitForSyncedAsync();
        var onNewStream = harness.Pilot.Responses.Where(r => r.StreamId == cds.StreamId).ToList();
        Assert.Empty(Assert.Single(onNewStream, r => r.TypeUrl == Cds).ResourceNames);
        Assert.Equal([Ratings], Assert.Single(onNewStream, r => r.TypeUrl == Eds).ResourceNames);
        Assert.Equal(1, PilotClientHarness.EndpointCount(harness.Registry.Current, Reviews));
    }

    private static Cluster Static(string name, uint port) => InlineCluster(name, Cluster.Types.DiscoveryType.Static, Endpoint("10.9.0.1", port));

    private static Any Pack(IMessage resource) => new() { TypeUrl = Cds, Value = resource.ToByteString() };
}
