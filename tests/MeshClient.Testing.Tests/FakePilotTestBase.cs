using MeshClient.Registry;
using MeshClient.Testing.Tests.Grpc;
using MeshClient.Xds.Protos.Discovery;
using MeshClient.Xds.Protos.Endpoint;
using XdsCluster = MeshClient.Xds.Protos.Cluster.Cluster;

namespace MeshClient.Testing.Tests;

/// <summary>Starts a FakePilot per test and disposes it, with the calls the test opened.</summary>
public abstract class FakePilotTestBase : IAsyncLifetime
{
    private protected const string Reviews = "reviews.default.svc.cluster.local";
    private protected const string ReviewsAll = "outbound|9080||reviews.default.svc.cluster.local";
    private protected const string ReviewsV1 = "outbound|9080|v1|reviews.default.svc.cluster.local";
    private protected const string ReviewsV2 = "outbound|9080|v2|reviews.default.svc.cluster.local";
    private protected const string ReviewsV2Debug = "outbound|9080|v2-debug|reviews.default.svc.cluster.local";
    private protected const string Ratings = "outbound|9080||ratings.default.svc.cluster.local";
    private protected const string MarkerType = "type.googleapis.com/test.Marker";
    private protected static readonly TimeSpan Timeout = AdsTestCall.Timeout;

    private readonly List<AdsTestCall> _calls = [];

    private protected FakePilot Pilot { get; private set; } = null!;

    private protected virtual FakePilotOptions? Options => null;

    public async Task InitializeAsync() => Pilot = await FakePilot.StartAsync(Options);

    public async Task DisposeAsync()
    {
        foreach (var call in _calls)
        {
            await call.DisposeAsync();
        }

        await Pilot.DisposeAsync();
    }

    private protected AdsTestCall Open(string methodPath = FakePilot.AdsMethodV3)
    {
        var call = AdsTestCall.Start(Pilot.Address, methodPath);
        _calls.Add(call);
        return call;
    }

    /// <summary>Opens a v3 stream, sends the first (CDS) request and reads the CDS response.</summary>
    private protected async Task<(AdsTestCall Call, DiscoveryResponse Cds)> OpenWithCdsAsync(string typeUrl = FakePilot.ClusterTypeUrlV3, string methodPath = FakePilot.AdsMethodV3)
    {
        var call = Open(methodPath);
        await call.SendAsync(Requests.First(typeUrl));
        var cds = await call.ReadAsync();
        Assert.Equal(typeUrl, cds.TypeUrl);
        return (call, cds);
    }

    /// <summary>
    /// Serves <see cref="MarkerType"/> with raw resources: its first request on a stream is always answered, so reading
    /// its response next proves that nothing was sent for the requests before it.
    /// </summary>
    private protected void ServeMarker() => Pilot.SetRawResources(MarkerType, []);

    /// <summary>Asks for the marker type and checks that its answer is the next response on the call.</summary>
    private protected static async Task AssertNextResponseIsTheMarkerAsync(AdsTestCall call)
    {
        await call.SendAsync(Requests.Subscribe(MarkerType));
        Assert.Equal(MarkerType, (await call.ReadAsync()).TypeUrl);
    }

    private protected IReadOnlyList<string> SetReviews() =>
        Pilot.SetService(
            Reviews,
            9080,
            [
                new FakeEndpoint("10.1.0.1", 9080)
                {
                    Labels = new Dictionary<string, string> { ["app"] = "reviews", ["version"] = "v1" },
                    Locality = new EndpointLocality("eu-west", "eu-west-1a", "rack-1"),
                },
                new FakeEndpoint("10.1.0.2", 9080)
                {
                    Labels = new Dictionary<string, string> { ["app"] = "reviews", ["version"] = "v2" },
                    Weight = 3,
                    Locality = new EndpointLocality("eu-west", "eu-west-1b", string.Empty),
                    Priority = 1,
                },
                new FakeEndpoint("10.1.0.3", 9080)
                {
                    Labels = new Dictionary<string, string> { ["app"] = "reviews", ["version"] = "v2", ["debug"] = "true" },
                    Health = EndpointHealth.Draining,
                    Locality = new EndpointLocality("eu-west", "eu-west-1b", string.Empty),
                    Priority = 1,
                },
            ],
            [
                new FakeSubset("v1", new Dictionary<string, string> { ["version"] = "v1" }),
                new FakeSubset("v2", new Dictionary<string, string> { ["version"] = "v2" }),
                new FakeSubset("v2-debug", new Dictionary<string, string> { ["version"] = "v2", ["debug"] = "true" }),
            ]);

    private protected IReadOnlyList<string> SetRatings(params string[] addresses) =>
        Pilot.SetService("ratings", 9080, addresses.Select(a => new FakeEndpoint(a, 9080)));

    private protected static List<XdsCluster> Clusters(DiscoveryResponse response) =>
        [.. response.Resources.Select(r => XdsCluster.Parser.ParseFrom(r.Value))];

    private protected static List<ClusterLoadAssignment> Assignments(DiscoveryResponse response) =>
        [.. response.Resources.Select(r => ClusterLoadAssignment.Parser.ParseFrom(r.Value))];

    private protected static List<string> ClusterNames(DiscoveryResponse response) => [.. Clusters(response).Select(c => c.Name)];

    private protected static List<string> AssignmentNames(DiscoveryResponse response) => [.. Assignments(response).Select(c => c.ClusterName)];
}
