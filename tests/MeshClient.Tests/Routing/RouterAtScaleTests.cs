using MeshClient.Registry;
using MeshClient.Routing;

namespace MeshClient.Tests.Routing;

/// <summary>
/// With persistent snapshots the router's work follows what changed: a push to another service keeps a service's routes
/// (the same object), and the prune forgets the statistics of the pods that left a routed service even when its routes
/// were rebuilt before the prune ran.
/// </summary>
public sealed class RouterAtScaleTests
{
    private const string Reviews = "reviews.default.svc.cluster.local";
    private const string Ratings = "ratings.default.svc.cluster.local";

    [Fact]
    public void A_push_to_another_service_keeps_the_routes_object_of_a_routed_service()
    {
        var registry = new MeshRegistry(new RegistrySnapshot(1, [Pods(Reviews, "10.1.0", 3), Pods(Ratings, "10.2.0", 3)]));
        var router = new MeshRouter(registry);
        var first = router.Route(new RouteRequest("reviews"));
        var before = first.Routes;

        registry.Update((current, version) => current.With(version, [Pods(Ratings, "10.2.1", 3)], []));
        var after = router.Route(new RouteRequest("reviews"));
        var ratings = router.Route(new RouteRequest("ratings"));

        Assert.Equal(2, after.RegistryVersion);
        Assert.Same(first.Service, after.Service);
        Assert.Same(before, after.Routes);
        Assert.StartsWith("10.2.1.", ratings.Endpoint!.Address, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Statistics_of_pods_that_left_a_routed_service_are_pruned_even_after_its_routes_were_rebuilt()
    {
        var registry = new MeshRegistry(new RegistrySnapshot(1, [Pods(Reviews, "10.1.0", 4), Pods(Ratings, "10.2.0", 2)]));
        var router = new MeshRouter(registry);
        Assert.True(router.Route(new RouteRequest("reviews")).Succeeded);
        Assert.True(router.Route(new RouteRequest("ratings")).Succeeded);
        router.Context.Prune(registry.Current);
        Assert.Equal(6, router.Context.StatisticsCount);

        // Two of reviews' pods leave; the next call rebuilds its routes before the prune of that snapshot runs.
        registry.Update((current, version) => current.With(version, [Pods(Reviews, "10.1.0", 2)], []));
        Assert.True(router.Route(new RouteRequest("reviews")).Succeeded);
        await router.Context.Pruned.WaitAsync(TimeSpan.FromSeconds(30));
        router.Context.Prune(registry.Current);

        Assert.Equal(4, router.Context.StatisticsCount);

        // A prune with nothing changed since keeps them all.
        router.Context.Prune(registry.Current);
        Assert.Equal(4, router.Context.StatisticsCount);
    }

    private static MeshCluster Pods(string host, string prefix, int count) =>
        MeshFixtures.Cluster(host, string.Empty, [.. Enumerable.Range(1, count).Select(i => MeshFixtures.Endpoint($"{prefix}.{i}"))]);
}
