using MeshClient.Registry;
using MeshClient.Routing;
using MeshClient.Testing;

namespace MeshClient.Tests.LoadBalancing;

/// <summary>
/// Locality weights from a Pilot over real gRPC: they count only for a cluster whose CDS resource carries
/// <c>common_lb_config.locality_weighted_lb_config</c>.
/// </summary>
public sealed class LocalityWeightsOverPilotTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Locality_weights_apply_only_to_the_cluster_that_asks_for_locality_weighted_balancing()
    {
        await using var pilot = await FakePilot.StartAsync();

        // One endpoint per zone; zone a's locality weighs 3, zone b's 1.
        FakeEndpoint[] Endpoints(int subnet) =>
        [
            new FakeEndpoint($"10.{subnet}.0.1", 9080) { Locality = new EndpointLocality("eu", "eu-a", string.Empty), LocalityWeight = 3 },
            new FakeEndpoint($"10.{subnet}.0.2", 9080) { Locality = new EndpointLocality("eu", "eu-b", string.Empty), LocalityWeight = 1 },
        ];
        pilot.SetService("weighted", 9080, Endpoints(1), localityWeighted: true);
        pilot.SetService("plain", 9080, Endpoints(2));

        await using var mesh = await MeshDiscovery.StartAsync(new MeshOptions
        {
            Namespace = "default",
            Pilot = { Address = pilot.Address.ToString(), InitialSyncTimeout = Bound },
        }).WaitAsync(Bound);

        var snapshot = mesh.Registry.Current;
        Assert.True(snapshot.Clusters["outbound|9080||weighted.default.svc.cluster.local"].LocalityWeighted);
        Assert.False(snapshot.Clusters["outbound|9080||plain.default.svc.cluster.local"].LocalityWeighted);
        Assert.Equal([3u, 1u], snapshot.Clusters["outbound|9080||plain.default.svc.cluster.local"].Endpoints.Select(e => e.LocalityWeight));

        var router = new MeshRouter(mesh.Registry);
        Assert.Equal(new Dictionary<string, int> { ["10.1.0.1"] = 300, ["10.1.0.2"] = 100 }, Count(router, "weighted", 400));
        Assert.Equal(new Dictionary<string, int> { ["10.2.0.1"] = 200, ["10.2.0.2"] = 200 }, Count(router, "plain", 400));
    }

    [Fact]
    public async Task A_push_that_turns_locality_weighting_on_changes_the_split()
    {
        await using var pilot = await FakePilot.StartAsync();
        FakeEndpoint[] endpoints =
        [
            new FakeEndpoint("10.1.0.1", 9080) { Locality = new EndpointLocality("eu", "eu-a", string.Empty), LocalityWeight = 4 },
            new FakeEndpoint("10.1.0.2", 9080) { Locality = new EndpointLocality("eu", "eu-b", string.Empty), LocalityWeight = 1 },
        ];
        pilot.SetService("reviews", 9080, endpoints);
        await using var mesh = await MeshDiscovery.StartAsync(new MeshOptions
        {
            Namespace = "default",
            Pilot = { Address = pilot.Address.ToString(), InitialSyncTimeout = Bound },
        }).WaitAsync(Bound);
        var router = new MeshRouter(mesh.Registry);
        Assert.Equal(new Dictionary<string, int> { ["10.1.0.1"] = 50, ["10.1.0.2"] = 50 }, Count(router, "reviews", 100));

        var swapped = WaitForCluster(mesh.Registry, "outbound|9080||reviews.default.svc.cluster.local", c => c.LocalityWeighted);
        pilot.SetService("reviews", 9080, endpoints, localityWeighted: true);
        await swapped.WaitAsync(Bound);

        Assert.Equal(new Dictionary<string, int> { ["10.1.0.1"] = 80, ["10.1.0.2"] = 20 }, Count(router, "reviews", 100));
    }

    private static Dictionary<string, int> Count(MeshRouter router, string service, int calls)
    {
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < calls; i++)
        {
            var address = router.Route(new RouteRequest(service)).Endpoint!.Address;
            counts[address] = counts.GetValueOrDefault(address) + 1;
        }

        return counts;
    }

    private static Task WaitForCluster(MeshRegistry registry, string name, Func<MeshCluster, bool> condition)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check(RegistrySnapshot snapshot)
        {
            if (snapshot.Clusters.TryGetValue(name, out var cluster) && condition(cluster))
            {
                reached.TrySetResult();
            }
        }

        registry.Changed += (_, e) => Check(e.Current);
        Check(registry.Current);
        return reached.Task;
    }
}
