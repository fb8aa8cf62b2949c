using MeshClient.Registry;
using MeshClient.Routing;

namespace MeshClient.Tests.Routing;

/// <summary>Weights: remainder to the latest version, weight 0, one pool per rule, weighted random.</summary>
public sealed class WeightedRouteTests
{
    private static MeshRouter Router(RegistrySnapshot snapshot, string yaml, MeshRouterOptions? options = null) =>
        new(new MeshRegistry(snapshot), RouterRules.Parse(yaml), options: options);

    private static Dictionary<string, int> Versions(MeshRouter router, int calls, RouteRequest? request = null, DictionaryRouteHeaders headers = default) =>
        Enumerable.Range(0, calls)
            .Select(_ => router.Route(request ?? new RouteRequest("reviews"), headers))
            .GroupBy(d => d.Succeeded ? d.Endpoint!.Labels["version"] : "none")
            .ToDictionary(g => g.Key, g => g.Count());

    [Fact]
    public void Remainder_goes_to_the_latest_version_in_semantic_version_order()
    {
        var snapshot = MeshFixtures.Labelled(MeshFixtures.ReviewsHost, ("10.1.0.1", "v1"), ("10.1.0.2", "v2"), ("10.1.0.9", "v9"), ("10.1.0.10", "v10"));
        var router = Router(snapshot, """
            routeRule:
              reviews:
                - route: [{tags: {version: v1}, weight: 30}, {tags: {version: v2}, weight: 20}]
            """);
        var counts = Versions(router, 100);
        Assert.Equal(30, counts["v1"]);
        Assert.Equal(20, counts["v2"]);
        Assert.Equal(50, counts["v10"]);
        Assert.False(counts.ContainsKey("v9"));
    }

    [Fact]
    public void Remainder_decision_says_so_and_names_the_latest_version()
    {
        var snapshot = MeshFixtures.Labelled(MeshFixtures.ReviewsHost, ("10.1.0.1", "1.2.0"), ("10.1.0.2", "1.10.0-rc1"), ("10.1.0.3", "1.10.0"));
        var router = Router(snapshot, """
            routeRule:
              reviews:
                - route: [{tags: {version: 1.2.0}, weight: 50}]
            """);
        var decisions = Enumerable.Range(0, 2).Select(_ => router.Route(new RouteRequest("reviews"))).ToList();
        var remainder = Assert.Single(decisions, d => d.IsRemainder);
        Assert.Equal("1.10.0", remainder.Tags["version"]);
        Assert.Equal("10.1.0.3", remainder.Endpoint!.Address);
        Assert.Contains("remainder", remainder.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Remainder_goes_to_all_endpoints_when_none_has_a_version_label()
    {
        var endpoints = new[]
        {
            MeshFixtures.Endpoint("10.1.0.1", labels: MeshFixtures.Labels(("lane", "blue"))),
            MeshFixtures.Endpoint("10.1.0.2", labels: MeshFixtures.Labels(("lane", "green"))),
        };
        var router = Router(new RegistrySnapshot(1, [MeshFixtures.Cluster(MeshFixtures.ReviewsHost, string.Empty, endpoints)]), """
            routeRule:
              reviews:
                - route: [{tags: {lane: blue}, weight: 50}]
            """);
        var decisions = Enumerable.Range(0, 100).Select(_ => router.Route(new RouteRequest("reviews"))).ToList();
        var remainder = decisions.Where(d => d.IsRemainder).ToList();
        Assert.Equal(50, remainder.Count);
        Assert.All(remainder, d => Assert.Empty(d.Tags));
        Assert.Equal(25, remainder.Count(d => d.Endpoint!.Address == "10.1.0.1"));
        Assert.Equal(25, remainder.Count(d => d.Endpoint!.Address == "10.1.0.2"));
        Assert.Equal(75, decisions.Count(d => d.Endpoint!.Address == "10.1.0.1"));
    }

    [Fact]
    public void Weight_zero_is_never_picked()
    {
        var snapshot = MeshFixtures.Labelled(MeshFixtures.ReviewsHost, ("10.1.0.1", "v1"), ("10.1.0.2", "v2"), ("10.1.0.3", "v3"));
        var router = Router(snapshot, """
            routeRule:
              reviews:
                - route: [{tags: {version: v1}, weight: 0}, {tags: {version: v2}, weight: 100}]
            """);
        var counts = Versions(router, 500);
        Assert.Equal(500, counts["v2"]);
        Assert.Single(counts);
    }

    [Fact]
    public void All_weights_zero_send_everything_to_the_latest_version()
    {
        var snapshot = MeshFixtures.Labelled(MeshFixtures.ReviewsHost, ("10.1.0.1", "v1"), ("10.1.0.2", "v2"));
        var router = Router(snapshot, """
            routeRule:
              reviews:
                - route: [{tags: {version: v1}, weight: 0}]
            """);
        Assert.Equal(new Dictionary<string, int> { ["v2"] = 100 }, Versions(router, 100));
    }

    [Fact]
    public void Each_rule_has_its_own_weight_pool()
    {
        // go-chassis bug #933: one pool per service let calls of one rule shift the other rule's distribution.
        var snapshot = MeshFixtures.Labelled(MeshFixtures.ReviewsHost, ("10.1.0.1", "v1"), ("10.1.0.2", "v2"));
        var router = Router(snapshot, """
            routeRule:
              reviews:
                - precedence: 2
                  match: {headers: {X-User: {exact: jason}}}
                  route: [{tags: {version: v1}, weight: 50}, {tags: {version: v2}, weight: 50}]
                - precedence: 1
                  route: [{tags: {version: v1}, weight: 50}, {tags: {version: v2}, weight: 50}]
            """);
        var jason = MeshFixtures.Headers(("X-User", "jason"));
        var other = MeshFixtures.Headers(("X-User", "anna"));
        var jasonVersions = new List<string>();
        var otherVersions = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            // Interleaved calls: with a shared pool each rule would see only every other entry of the sequence.
            jasonVersions.Add(router.Route(new RouteRequest("reviews"), jason).Endpoint!.Labels["version"]);
            otherVersions.Add(router.Route(new RouteRequest("reviews"), other).Endpoint!.Labels["version"]);
        }

        Assert.Equal(50, jasonVersions.Count(v => v == "v1"));
        Assert.Equal(50, otherVersions.Count(v => v == "v1"));
    }

    [Fact]
    public void Weighted_random_keeps_the_shares_within_statistical_bounds()
    {
        var snapshot = MeshFixtures.Labelled(MeshFixtures.ReviewsHost, ("10.1.0.1", "v1"), ("10.1.0.2", "v2"), ("10.1.0.3", "v3"));
        var options = MeshFixtures.WithRandom(7, new MeshRouterOptions { WeightSelection = RouteWeightSelection.Random });
        var router = Router(snapshot, """
            routeRule:
              reviews:
                - route: [{tags: {version: v1}, weight: 40}, {tags: {version: v2}, weight: 40}, {tags: {version: v3}, weight: 20}]
            """, options);
        const int calls = 10_000;
        var counts = Versions(router, calls);

        // 5 standard deviations of a binomial: 40% -> +-245, 20% -> +-200.
        Assert.InRange(counts["v1"], 4000 - 245, 4000 + 245);
        Assert.InRange(counts["v2"], 4000 - 245, 4000 + 245);
        Assert.InRange(counts["v3"], 2000 - 200, 2000 + 200);

        // Random, not a rotation: some runs of the same version are long.
        var sequence = Enumerable.Range(0, 200).Select(_ => router.Route(new RouteRequest("reviews")).Endpoint!.Labels["version"]).ToList();
        Assert.Contains(Enumerable.Range(3, 197), i => sequence[i] == sequence[i - 1] && sequence[i] == sequence[i - 2] && sequence[i] == sequence[i - 3]);
    }

    [Fact]
    public void A_tag_set_without_routable_endpoints_fails_with_a_reason()
    {
        var endpoints = new[]
        {
            MeshFixtures.Endpoint("10.1.0.1", labels: MeshFixtures.Labels(("version", "v1"))),
            MeshFixtures.Endpoint("10.1.0.2", health: EndpointHealth.Unhealthy, labels: MeshFixtures.Labels(("version", "v2"))),
        };
        var router = Router(new RegistrySnapshot(1, [MeshFixtures.Cluster(MeshFixtures.ReviewsHost, string.Empty, endpoints)]), """
            routeRule:
              reviews:
                - route: [{tags: {version: v2}, weight: 100}]
            """);
        var decision = router.Route(new RouteRequest("reviews"));
        Assert.False(decision.Succeeded);
        Assert.Null(decision.Endpoint);
        Assert.Equal(RouteFailure.NoEndpointWithTags, decision.Failure);
        Assert.Equal(0, decision.RuleIndex);
        Assert.Contains("NoEndpointWithTags", decision.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Tags_match_endpoints_whose_labels_contain_all_of_them_as_strings()
    {
        var endpoints = new[]
        {
            MeshFixtures.Endpoint("10.1.0.1", labels: MeshFixtures.Labels(("version", "v2"), ("debug", "true"), ("zone", "a"))),
            MeshFixtures.Endpoint("10.1.0.2", labels: MeshFixtures.Labels(("version", "v2"))),
            MeshFixtures.Endpoint("10.1.0.3", labels: MeshFixtures.Labels(("version", "v2"), ("debug", "false"))),
        };
        var router = Router(new RegistrySnapshot(1, [MeshFixtures.Cluster(MeshFixtures.ReviewsHost, string.Empty, endpoints)]), """
            routeRule:
              reviews:
                - route: [{tags: {version: v2, debug: True}, weight: 100}]
            """);
        Assert.All(Enumerable.Range(0, 10), _ => Assert.Equal("10.1.0.1", router.Route(new RouteRequest("reviews")).Endpoint!.Address));
    }
}
