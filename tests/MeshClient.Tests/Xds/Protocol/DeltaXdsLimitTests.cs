using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using MeshClient.Testing;
using MeshClient.Xds.Protocol;
using static MeshClient.Tests.Xds.Protocol.XdsFixtures;
using Cluster = MeshClient.Xds.Protos.Cluster.Cluster;

namespace MeshClient.Tests.Xds.Protocol;

/// <summary>
/// The response-wide limits on a delta CDS response, which holds only the changed clusters: the totals are those the
/// change would leave (the clusters held, plus those added, minus those removed; a replaced cluster's endpoints
/// instead of its old ones), against FakePilot over real gRPC.
/// </summary>
public sealed class DeltaXdsLimitTests
{
    private const string Cds = FakePilot.ClusterTypeUrlV3;
    private const string A = "outbound|80||a.default.svc.cluster.local";
    private const string B = "outbound|80||b.default.svc.cluster.local";
    private const string C = "outbound|80||c.default.svc.cluster.local";

    [Fact]
    public async Task A_delta_that_would_leave_more_clusters_than_the_limit_is_nacked_whole_and_one_at_the_limit_is_acked()
    {
        await using var harness = await PilotClientHarness.StartPilotAsync();
        harness.Pilot.SetRawResources(Cds, [Pack(Static(A, "10.9.0.1"))]);
        harness.StartClient(o =>
        {
            o.Protocol = XdsProtocol.Delta;
            o.Limits.MaxClusters = 2;
        });
        await harness.WaitForSyncedAsync();

        var atLimitFrom = harness.Pilot.Responses.Count;
        harness.Pilot.SetRawResources(Cds, [Pack(Static(A, "10.9.0.1")), Pack(Static(B, "10.9.0.2"))]);
        var atLimit = await harness.WaitForResponseAsync(r => r.Sequence > atLimitFrom && r.TypeUrl == Cds);
        Assert.Equal([B], atLimit.ResourceNames);
        Assert.True((await harness.WaitForRequestAsync(r => r.ResponseNonce == atLimit.Nonce)).IsAck);
        await harness.WaitForRegistryAsync(s => s.Clusters.ContainsKey(B), "the second cluster");

        var overFrom = harness.Pilot.Responses.Count;
        harness.Pilot.SetRawResources(Cds, [Pack(Static(A, "10.9.0.1")), Pack(Static(B, "10.9.0.2")), Pack(Static(C, "10.9.0.3"))]);
        var over = await harness.WaitForResponseAsync(r => r.Sequence > overFrom && r.TypeUrl == Cds);
        Assert.Equal([C], over.ResourceNames);
        var nack = await harness.WaitForRequestAsync(r => r.ResponseNonce == over.Nonce);

        Assert.True(nack.IsNack);
        Assert.Equal("response has 3 clusters in all, over the limit Limits.MaxClusters (2); nothing of it applied", nack.ErrorDetail!.Message);
        Assert.Equal([A, B], harness.Registry.Current.Clusters.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_replaced_cluster_counts_its_new_endpoints_instead_of_its_old_ones()
    {
        await using var harness = await PilotClientHarness.StartPilotAsync();
        harness.Pilot.SetRawResources(Cds, [Pack(Static(A, "10.9.0.1")), Pack(Static(B, "10.9.0.2"))]);
        harness.StartClient(o =>
        {
            o.Protocol = XdsProtocol.Delta;
            o.Limits.MaxTotalEndpoints = 3;
        });
        await harness.WaitForSyncedAsync();

        // 1 + 1 held; A replaced by 2 endpoints: 3 in all, at the limit (4 if A's old endpoint were still counted).
        var atLimitFrom = harness.Pilot.Responses.Count;
        harness.Pilot.SetRawResources(Cds, [Pack(Static(A, "10.9.0.1", "10.9.0.4")), Pack(Static(B, "10.9.0.2"))]);
        var atLimit = await harness.WaitForResponseAsync(r => r.Sequence > atLimitFrom && r.TypeUrl == Cds);
        Assert.True((await harness.WaitForRequestAsync(r => r.ResponseNonce == atLimit.Nonce)).IsAck);
        await harness.WaitForRegistryAsync(s => s.Clusters[A].Endpoints.Length == 2, "A with 2 endpoints");

        // B replaced by 2 endpoints: 4 in all.
        var overFrom = harness.Pilot.Responses.Count;
        harness.Pilot.SetRawResources(Cds, [Pack(Static(A, "10.9.0.1", "10.9.0.4")), Pack(Static(B, "10.9.0.2", "10.9.0.5"))]);
        var over = await harness.WaitForResponseAsync(r => r.Sequence > overFrom && r.TypeUrl == Cds);
        var nack = await harness.WaitForRequestAsync(r => r.ResponseNonce == over.Nonce);

        Assert.True(nack.IsNack);
        Assert.Equal("response has 4 endpoints in all, over the limit Limits.MaxTotalEndpoints (3); nothing of it applied", nack.ErrorDetail!.Message);
        Assert.Single(harness.Registry.Current.Clusters[B].Endpoints);
    }

    private static Cluster Static(string name, params string[] addresses) =>
        InlineCluster(name, Cluster.Types.DiscoveryType.Static, [.. addresses.Select(a => Endpoint(a, 80))]);

    private static Any Pack(IMessage resource) => new() { TypeUrl = Cds, Value = resource.ToByteString() };
}
