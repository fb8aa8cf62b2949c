using Google.Protobuf;
using MeshClient.Testing.Tests.Grpc;
using MeshClient.Xds.Protos.Core;
using MeshClient.Xds.Protos.Discovery;

namespace MeshClient.Testing.Tests;

/// <summary>FakePilot's delta (incremental) ADS, spoken raw over a real gRPC call.</summary>
public sealed class FakePilotDeltaTests : FakePilotTestBase
{
    private const string DeltaMethod = "/envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources";

    [Fact]
    public async Task A_delta_stream_gets_the_resources_it_does_not_hold_and_the_removed_ones_by_name()
    {
        Pilot.SetService("reviews", 9080, [new FakeEndpoint("10.1.0.1", 9080)]);
        Pilot.SetService("ratings", 9080, [new FakeEndpoint("10.2.0.1", 9080)]);
        var first = Open(DeltaMethod);
        await first.SendRawAsync(Wildcard(new Dictionary<string, string>()).ToByteArray());
        var all = await ReadDeltaAsync(first);
        Assert.Equal([Ratings, ReviewsAll], all.Resources.Select(r => r.Name).Order(StringComparer.Ordinal));
        Assert.All(all.Resources, r => Assert.NotEmpty(r.Version));
        Assert.Empty(all.RemovedResources);

        // A second stream that holds reviews at its version, ratings at an old one, and a cluster that is gone.
        var held = all.Resources.ToDictionary(r => r.Name, r => r.Version);
        held[Ratings] = "old";
        held["outbound|80||gone.default.svc.cluster.local"] = "1";
        var second = Open(DeltaMethod);
        await second.SendRawAsync(Wildcard(held).ToByteArray());
        var diff = await ReadDeltaAsync(second);

        Assert.Equal([Ratings], diff.Resources.Select(r => r.Name));
        Assert.Equal(["outbound|80||gone.default.svc.cluster.local"], diff.RemovedResources);
        var recorded = await Pilot.WaitForRequestAsync(r => r.IsDelta && r.InitialResourceVersions.Count == 3, Timeout);
        Assert.Equal(["*"], recorded.ResourceNamesSubscribe);
        Assert.Equal("old", recorded.InitialResourceVersions[Ratings]);
        var response = await Pilot.WaitForResponseAsync(r => r.Nonce == diff.Nonce, Timeout);
        Assert.True(response.IsDelta);
        Assert.Equal(["outbound|80||gone.default.svc.cluster.local"], response.RemovedResources);
    }

    private static DeltaDiscoveryRequest Wildcard(IDictionary<string, string> held)
    {
        var request = new DeltaDiscoveryRequest { TypeUrl = FakePilot.ClusterTypeUrlV3, Node = new Node { Id = Requests.NodeId } };
        request.ResourceNamesSubscribe.Add("*");
        request.InitialResourceVersions.Add(held);
        return request;
    }

    private static async Task<DeltaDiscoveryResponse> ReadDeltaAsync(AdsTestCall call) =>
        DeltaDiscoveryResponse.Parser.ParseFrom(await call.ReadMessageAsync() ?? throw new InvalidOperationException("The delta stream ended."));
}
