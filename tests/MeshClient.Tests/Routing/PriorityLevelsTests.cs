using Microsoft.Extensions.Time.Testing;
using MeshClient.Http;
using MeshClient.Registry;
using MeshClient.Resilience;
using MeshClient.Routing;

namespace MeshClient.Tests.Routing;

/// <summary>
/// Priority levels as Envoy shares calls between them (health × 1.4, the rest spills to the next level), with
/// ejected and unhealthy endpoints counting as unhealthy; locality weights only when the cluster asks for them.
/// </summary>
public sealed class PriorityLevelsTests
{
    [Theory]
    [InlineData(10, 10, 100)]
    [InlineData(5, 10, 70)]
    [InlineData(7, 10, 98)]
    [InlineData(8, 10, 100)]
    [InlineData(0, 10, 0)]
    [InlineData(0, 0, 0)]
    public void A_levels_health_is_its_healthy_share_times_the_overprovisioning_factor(int healthy, int total, int expected) =>
        Assert.Equal(expected, PriorityLoad.Health(healthy, total));

    [Theory]
    [InlineData(new[] { 100, 100 }, new[] { 100, 0 })]
    [InlineData(new[] { 70, 100 }, new[] { 70, 30 })]
    [InlineData(new[] { 0, 100 }, new[] { 0, 100 })]
    [InlineData(new[] { 0, 0, 0 }, new[] { 100, 0, 0 })]
    [InlineData(new[] { 30, 20, 100 }, new[] { 30, 20, 50 })]
    [InlineData(new[] { 50, 20 }, new[] { 72, 28 })] // together below 100 %: scaled up, rounding to the first healthy level
    [InlineData(new[] { 0, 35, 35 }, new[] { 0, 50, 50 })]
    public void Loads_fill_levels_in_order_up_to_their_health(int[] health, int[] expected)
    {
        PriorityLoad.Distribute(health);
        Assert.Equal(expected, health);
    }

    [Fact]
    public void A_level_with_half_its_endpoints_unhealthy_keeps_70_percent_and_spills_30_to_the_next()
    {
        var router = new MeshRouter(new MeshRegistry(new RegistrySnapshot(1, [Cluster(
            [.. Level(0, 10, unhealthy: 5), .. Level(1, 5)])])));

        var counts = Count(router, 200, filter: default(NoEndpointFilter));

        Assert.Equal(140, counts[0]);
        Assert.Equal(60, counts[1]);
    }

    [Fact]
    public void Every_priority_0_endpoint_ejected_sends_calls_to_priority_1_and_back_when_the_ejection_ends()
    {
        var time = new FakeTimeProvider();
        var endpoints = (MeshEndpoint[])[.. Level(0, 2), .. Level(1, 2)];
        var router = new MeshRouter(new MeshRegistry(new RegistrySnapshot(1, [Cluster(endpoints)])), timeProvider: time);
        var outliers = new ServiceOutlierDetectors(new OutlierDetectionSettings(1, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(300), 100), time);
        var filter = new AttemptEndpointFilter(outliers, null);
        Assert.Equal(20, Count(router, 20, filter)[0]);

        var service = router.Route(new RouteRequest("reviews")).Service!;
        foreach (var endpoint in endpoints.Where(e => e.Priority == 0))
        {
            Assert.True(outliers.GetOrCreate(service).ReportFailure(endpoint, endpoints.Length));
        }

        Assert.Equal(20, Count(router, 20, filter)[1]);

        // One of two back: health 70 %, the rest spills.
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.True(outliers.GetOrCreate(service).ReportFailure(endpoints[0], endpoints.Length));
        var counts = Count(router, 100, filter);
        Assert.Equal(70, counts[0]);
        Assert.Equal(30, counts[1]);
    }

    [Fact]
    public void A_retry_on_next_crosses_to_the_next_level_when_its_level_has_no_endpoint_left()
    {
        var router = new MeshRouter(new MeshRegistry(new RegistrySnapshot(1, [Cluster([.. Level(0, 1), .. Level(1, 1)])])));
        var first = router.Route(new RouteRequest("reviews"));
        Assert.Equal(0u, first.Endpoint!.Priority);

        var again = router.RouteAgain(first, new AttemptEndpointFilter(null, [first.Endpoint]));

        Assert.Equal(1u, again.Endpoint!.Priority);
    }

    [Fact]
    public void Without_locality_weighted_balancing_each_endpoint_gets_its_share_whatever_its_zone()
    {
        var router = new MeshRouter(new MeshRegistry(new RegistrySnapshot(1, [Cluster(Zones(), localityWeighted: false)])));

        var counts = Enumerable.Range(0, 100).Select(_ => router.Route(new RouteRequest("reviews")).Endpoint!.Address).GroupBy(a => a).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(10, counts.Count);
        Assert.All(counts.Values, c => Assert.Equal(10, c));
    }

    [Fact]
    public void With_locality_weighted_balancing_each_zone_gets_its_locality_weights_share()
    {
        var router = new MeshRouter(new MeshRegistry(new RegistrySnapshot(1, [Cluster(Zones(), localityWeighted: true)])));

        var counts = Enumerable.Range(0, 180).Select(_ => router.Route(new RouteRequest("reviews")).Endpoint!.Address).GroupBy(a => a).ToDictionary(g => g.Key, g => g.Count());

        // Equal locality weights: zone b's one endpoint takes half the calls, zone a's nine the other half.
        Assert.Equal(90, counts["10.9.1.1"]);
        Assert.All(counts.Where(c => c.Key != "10.9.1.1"), c => Assert.Equal(10, c.Value));
    }

    private static Dictionary<uint, int> Count<TFilter>(MeshRouter router, int calls, TFilter filter)
        where TFilter : IEndpointFilter
    {
        var counts = new Dictionary<uint, int> { [0] = 0, [1] = 0 };
        for (var i = 0; i < calls; i++)
        {
            var decision = router.Route(new RouteRequest("reviews"), default(NoRouteHeaders), filter);
            counts[decision.Endpoint!.Priority]++;
        }

        return counts;
    }

    private static IEnumerable<MeshEndpoint> Level(uint priority, int count, int unhealthy = 0) =>
        Enumerable.Range(1, count).Select(i => MeshFixtures.Endpoint(
            $"10.{priority}.0.{i}",
            priority: priority,
            health: i <= unhealthy ? EndpointHealth.Unhealthy : EndpointHealth.Healthy));

    private static MeshEndpoint[] Zones()
    {
        var a = new EndpointLocality("eu", "eu-a", string.Empty);
        var b = new EndpointLocality("eu", "eu-b", string.Empty);
        return
        [
            .. Enumerable.Range(1, 9).Select(i => MeshFixtures.Endpoint($"10.9.0.{i}", locality: a)),
            MeshFixtures.Endpoint("10.9.1.1", locality: b),
        ];
    }

    private static MeshCluster Cluster(MeshEndpoint[] endpoints, bool localityWeighted = false) =>
        new($"outbound|9080||{MeshFixtures.ReviewsHost}", [.. endpoints], localityWeighted: localityWeighted);
}
