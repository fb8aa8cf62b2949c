using MeshClient.Registry;
using MeshClient.Routing;

namespace MeshClient.Tests.Routing;

/// <summary>Which rule matches a call: precedence, written order, match conditions.</summary>
public sealed class RuleMatchingTests
{
    private static readonly RegistrySnapshot Reviews = MeshFixtures.Labelled(
        MeshFixtures.ReviewsHost,
        ("10.1.0.1", "v1"),
        ("10.1.0.2", "v2"),
        ("10.1.0.3", "v3"),
        ("10.1.0.4", "v4"));

    private static MeshRouter Router(string yaml) => new(new MeshRegistry(Reviews), RouterRules.Parse(yaml));

    private static string VersionOf(RouteDecision decision) =>
        decision.Succeeded ? decision.Endpoint!.Labels["version"] : "none:" + decision.Failure;

    [Fact]
    public void Higher_precedence_goes_first_whatever_the_written_order()
    {
        var router = Router("""
            routeRule:
              reviews:
                - precedence: 1
                  route: [{tags: {version: v1}, weight: 100}]
                - precedence: 5
                  route: [{tags: {version: v2}, weight: 100}]
            """);
        var decision = router.Route(new RouteRequest("reviews"));
        Assert.Equal("v2", VersionOf(decision));
        Assert.Equal(1, decision.RuleIndex);
        Assert.Equal(5, decision.RulePrecedence);
    }

    [Fact]
    public void Equal_precedence_keeps_the_written_order()
    {
        var router = Router("""
            routeRule:
              reviews:
                - precedence: 3
                  route: [{tags: {version: v3}, weight: 100}]
                - precedence: 3
                  route: [{tags: {version: v1}, weight: 100}]
            """);
        var decision = router.Route(new RouteRequest("reviews"));
        Assert.Equal("v3", VersionOf(decision));
        Assert.Equal(0, decision.RuleIndex);
    }

    [Fact]
    public void First_matching_rule_wins_and_others_are_tried_in_turn()
    {
        var router = Router("""
            routeRule:
              reviews:
                - precedence: 3
                  match: {headers: {X-User: {exact: jason}}}
                  route: [{tags: {version: v1}, weight: 100}]
                - precedence: 2
                  match: {headers: {X-User: {regex: "^a"}}}
                  route: [{tags: {version: v2}, weight: 100}]
                - precedence: 1
                  route: [{tags: {version: v3}, weight: 100}]
            """);
        Assert.Equal("v1", VersionOf(router.Route(new RouteRequest("reviews"), MeshFixtures.Headers(("X-User", "jason")))));
        Assert.Equal("v2", VersionOf(router.Route(new RouteRequest("reviews"), MeshFixtures.Headers(("X-User", "anna")))));
        Assert.Equal("v3", VersionOf(router.Route(new RouteRequest("reviews"), MeshFixtures.Headers(("X-User", "bob")))));
        Assert.Equal("v3", VersionOf(router.Route(new RouteRequest("reviews"))));
    }

    [Fact]
    public void No_rule_matching_sends_to_every_routable_endpoint()
    {
        var router = Router("""
            routeRule:
              reviews:
                - match: {source: productpage}
                  route: [{tags: {version: v1}, weight: 100}]
            """);
        var versions = Enumerable.Range(0, 8).Select(_ => router.Route(new RouteRequest("reviews", sourceService: "ratings"))).ToList();
        Assert.All(versions, d => Assert.False(d.RuleMatched));
        Assert.All(versions, d => Assert.Equal(-1, d.RuleIndex));
        Assert.All(versions, d => Assert.Empty(d.Tags));
        Assert.Equal(["v1", "v2", "v3", "v4"], versions.Select(VersionOf).Distinct().Order());
    }

    [Fact]
    public void Source_must_equal_the_callers_service_name()
    {
        var router = Router("""
            routeRule:
              reviews:
                - match: {source: productpage}
                  route: [{tags: {version: v2}, weight: 100}]
                - route: [{tags: {version: v1}, weight: 100}]
            """);
        Assert.Equal("v2", VersionOf(router.Route(new RouteRequest("reviews", sourceService: "productpage"))));
        Assert.Equal("v2", VersionOf(router.Route(new RouteRequest("reviews", sourceService: "ProductPage"))));
        Assert.Equal("v1", VersionOf(router.Route(new RouteRequest("reviews", sourceService: "ratings"))));
        Assert.Equal("v1", VersionOf(router.Route(new RouteRequest("reviews"))));
    }

    [Fact]
    public void A_rule_with_only_source_tags_does_not_match_everyone()
    {
        var router = Router("""
            routeRule:
              reviews:
                - match: {sourceTags: {version: v1, zone: a}}
                  route: [{tags: {version: v2}, weight: 100}]
                - route: [{tags: {version: v1}, weight: 100}]
            """);
        var both = MeshFixtures.Labels(("version", "v1"), ("zone", "a"), ("extra", "x"));
        var one = MeshFixtures.Labels(("version", "v1"));
        var wrong = MeshFixtures.Labels(("version", "v1"), ("zone", "b"));
        Assert.Equal("v2", VersionOf(router.Route(new RouteRequest("reviews", sourceTags: both))));
        Assert.Equal("v1", VersionOf(router.Route(new RouteRequest("reviews", sourceTags: one))));
        Assert.Equal("v1", VersionOf(router.Route(new RouteRequest("reviews", sourceTags: wrong))));
        Assert.Equal("v1", VersionOf(router.Route(new RouteRequest("reviews"))));
    }

    [Fact]
    public void Every_condition_of_a_match_must_hold()
    {
        var router = Router("""
            routeRule:
              reviews:
                - precedence: 2
                  match:
                    source: productpage
                    sourceTags: {version: v1}
                    headers:
                      X-User: {regex: "^(jason|anna)$"}
                      X-Age: {greater: 18}
                  route: [{tags: {version: v2}, weight: 100}]
                - route: [{tags: {version: v1}, weight: 100}]
            """);
        var tags = MeshFixtures.Labels(("version", "v1"));
        var all = new RouteRequest("reviews", sourceService: "productpage", sourceTags: tags);
        Assert.Equal("v2", VersionOf(router.Route(all, MeshFixtures.Headers(("X-User", "anna"), ("X-Age", "19")))));
        Assert.Equal("v1", VersionOf(router.Route(all, MeshFixtures.Headers(("X-User", "anna"), ("X-Age", "18")))));
        Assert.Equal("v1", VersionOf(router.Route(all, MeshFixtures.Headers(("X-User", "annabel"), ("X-Age", "30")))));
        Assert.Equal("v1", VersionOf(router.Route(all, MeshFixtures.Headers(("X-User", "anna")))));
        Assert.Equal("v1", VersionOf(router.Route(new RouteRequest("reviews", sourceService: "other", sourceTags: tags), MeshFixtures.Headers(("X-User", "anna"), ("X-Age", "19")))));
        Assert.Equal("v1", VersionOf(router.Route(new RouteRequest("reviews", sourceService: "productpage"), MeshFixtures.Headers(("X-User", "anna"), ("X-Age", "19")))));
    }

    [Fact]
    public void Refer_takes_the_match_from_the_source_template()
    {
        var router = Router("""
            routeRule:
              reviews:
                - precedence: 1
                  match: {refer: fromJason}
                  route: [{tags: {version: v2}, weight: 100}]
                - precedence: 0
                  route: [{tags: {version: v1}, weight: 100}]
            sourceTemplate:
              fromJason: {headers: {X-User: {exact: jason}}}
            """);
        Assert.Equal("v2", VersionOf(router.Route(new RouteRequest("reviews"), MeshFixtures.Headers(("x-user", "jason")))));
        Assert.Equal("v1", VersionOf(router.Route(new RouteRequest("reviews"), MeshFixtures.Headers(("X-User", "anna")))));
    }

    [Fact]
    public void Rules_are_found_by_the_name_the_caller_uses_or_the_services_short_name()
    {
        var router = Router("""
            routeRule:
              Reviews:
                - route: [{tags: {version: v4}, weight: 100}]
            """);
        Assert.Equal("v4", VersionOf(router.Route(new RouteRequest("reviews"))));
        Assert.Equal("v4", VersionOf(router.Route(new RouteRequest("reviews.default"))));
        Assert.Equal("v4", VersionOf(router.Route(new RouteRequest(MeshFixtures.ReviewsHost, port: 9080))));
    }

    [Fact]
    public void Rules_of_other_services_do_not_apply()
    {
        var router = Router("""
            routeRule:
              ratings:
                - route: [{tags: {version: v4}, weight: 100}]
            """);
        Assert.All(Enumerable.Range(0, 4).Select(_ => router.Route(new RouteRequest("reviews"))), d => Assert.False(d.RuleMatched));
    }
}
