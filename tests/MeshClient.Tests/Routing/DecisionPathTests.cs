using MeshClient.LoadBalancing;
using MeshClient.Registry;
using MeshClient.Routing;

namespace MeshClient.Tests.Routing;

/// <summary>
/// The short paths of a decision: a leading rule without conditions reads no header, a fused rule's pick is taken as
/// the table has it unless the filter excludes it, and a decision's strategy comes from where it was picked.
/// </summary>
public sealed class DecisionPathTests
{
    private static readonly RouteRequest Reviews = new("reviews");

    [Fact]
    public void A_leading_rule_without_conditions_reads_no_header()
    {
        const string Yaml = """
            routeRule:
              reviews:
                - precedence: 2
                  route: [{tags: {version: v1}, weight: 100}]
                - precedence: 1
                  match: {headers: {X-User: {exact: jason}}}
                  route: [{tags: {version: v2}, weight: 100}]
            """;
        var router = new MeshRouter(new MeshRegistry(MeshFixtures.Labelled(MeshFixtures.ReviewsHost, ("10.0.1.1", "v1"), ("10.0.2.1", "v2"))), RouterRules.Parse(Yaml));
        var lookups = new List<string>();

        var decision = router.Route(Reviews, new CountingHeaders(new Dictionary<string, string> { ["X-User"] = "jason" }, lookups));

        Assert.Equal(0, decision.RuleIndex);
        Assert.Equal("10.0.1.1", decision.Endpoint!.Address);
        Assert.Empty(lookups);
    }

    [Fact]
    public void A_rule_after_a_conditional_one_still_reads_the_headers_it_needs()
    {
        const string Yaml = """
            routeRule:
              reviews:
                - precedence: 2
                  match: {headers: {X-User: {exact: jason}}}
                  route: [{tags: {version: v2}, weight: 100}]
                - precedence: 1
                  route: [{tags: {version: v1}, weight: 100}]
            """;
        var router = new MeshRouter(new MeshRegistry(MeshFixtures.Labelled(MeshFixtures.ReviewsHost, ("10.0.1.1", "v1"), ("10.0.2.1", "v2"))), RouterRules.Parse(Yaml));
        var lookups = new List<string>();

        Assert.Equal("10.0.2.1", router.Route(Reviews, new CountingHeaders(new Dictionary<string, string> { ["X-User"] = "jason" }, lookups)).Endpoint!.Address);
        Assert.Equal("10.0.1.1", router.Route(Reviews, new CountingHeaders(new Dictionary<string, string> { ["X-User"] = "anna" }, lookups)).Endpoint!.Address);
        Assert.Equal(["X-User", "X-User"], lookups);
    }

    [Fact]
    public void An_excluded_fused_pick_goes_to_another_endpoint_of_its_tag_set_and_the_split_holds()
    {
        var router = new MeshRouter(
            new MeshRegistry(MeshFixtures.Labelled(MeshFixtures.ReviewsHost, ("10.0.1.1", "v1"), ("10.0.1.2", "v1"), ("10.0.2.1", "v2"), ("10.0.2.2", "v2"))),
            RouterRules.Parse("routeRule: {reviews: [{route: [{tags: {version: v1}, weight: 50}, {tags: {version: v2}, weight: 50}]}]}"));
        Assert.True(router.State.GetRoutes("reviews", null).Rules[0].IsFused);
        var filter = new ExcludingFilter("10.0.1.1");

        var decisions = Enumerable.Range(0, 40).Select(_ => router.Route(Reviews, default(NoRouteHeaders), filter)).ToList();

        Assert.All(decisions, d => Assert.True(d.Succeeded));
        Assert.DoesNotContain(decisions, d => d.Endpoint!.Address == "10.0.1.1");
        var v1 = decisions.Where(d => d.Tags["version"] == "v1").ToList();
        Assert.Equal(20, v1.Count);
        Assert.All(v1, d => Assert.Equal("10.0.1.2", d.Endpoint!.Address));
        Assert.Equal(10, decisions.Count(d => d.Endpoint!.Address == "10.0.2.1"));
        Assert.Equal(10, decisions.Count(d => d.Endpoint!.Address == "10.0.2.2"));
    }

    [Fact]
    public void A_fused_rule_whose_tag_set_has_no_endpoint_fails_its_share_naming_the_tags()
    {
        var router = new MeshRouter(
            new MeshRegistry(MeshFixtures.Labelled(MeshFixtures.ReviewsHost, ("10.0.1.1", "v1"), ("10.0.1.2", "v1"))),
            RouterRules.Parse("routeRule: {reviews: [{route: [{tags: {version: v1}, weight: 50}, {tags: {version: v9}, weight: 50}]}]}"));
        Assert.True(router.State.GetRoutes("reviews", null).Rules[0].IsFused);

        var decisions = Enumerable.Range(0, 20).Select(_ => router.Route(Reviews)).ToList();

        var failed = decisions.Where(d => !d.Succeeded).ToList();
        Assert.Equal(10, failed.Count);
        Assert.All(failed, d => Assert.Equal(RouteFailure.NoEndpointWithTags, d.Failure));
        Assert.All(failed, d => Assert.Equal("v9", d.Tags["version"]));
        Assert.All(failed, d => Assert.Equal(0, d.RuleIndex));
        Assert.All(failed, d => Assert.Equal(LoadBalancingStrategy.RoundRobin, d.Strategy));
        Assert.Equal(5, decisions.Count(d => d.Endpoint?.Address == "10.0.1.1"));
        Assert.Equal(5, decisions.Count(d => d.Endpoint?.Address == "10.0.1.2"));
    }

    [Fact]
    public void A_decisions_strategy_is_its_pools_and_the_routers_default_when_the_service_is_unknown()
    {
        var options = new MeshRouterOptions
        {
            DefaultStrategy = LoadBalancingStrategy.Random,
            Strategies = { ["reviews"] = LoadBalancingStrategy.LeastRequest },
        };
        var router = new MeshRouter(new MeshRegistry(MeshFixtures.Labelled(MeshFixtures.ReviewsHost, ("10.0.1.1", "v1"))), options: options);

        Assert.Equal(LoadBalancingStrategy.LeastRequest, router.Route(Reviews).Strategy);
        Assert.Equal(LoadBalancingStrategy.Random, router.Route(new RouteRequest("ratings")).Strategy);
        Assert.Equal(RouteFailure.ServiceNotFound, router.Route(new RouteRequest("ratings")).Failure);
    }

    private readonly struct CountingHeaders(Dictionary<string, string> values, List<string> lookups) : IRouteHeaders
    {
        public bool TryGetValue(string name, out ReadOnlySpan<char> value)
        {
            lookups.Add(name);
            var found = values.TryGetValue(name, out var text);
            value = text;
            return found;
        }
    }

    private readonly struct ExcludingFilter(string address) : IEndpointFilter
    {
        public bool Excludes(MeshService service, MeshEndpoint endpoint) => endpoint.Address == address;

        public bool MayExclude(MeshService service) => true;
    }
}
