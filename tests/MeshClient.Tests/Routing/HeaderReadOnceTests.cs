using MeshClient.Registry;
using MeshClient.Routing;

namespace MeshClient.Tests.Routing;

/// <summary>A decision reads each header its service's rules test once, however many rules test it.</summary>
public sealed class HeaderReadOnceTests
{
    private const string Rules = """
        routeRule:
          reviews:
            - precedence: 4
              match: {headers: {X-User: {exact: jason}}}
              route: [{tags: {version: v1}, weight: 100}]
            - precedence: 3
              match: {headers: {x-age: {greater: 60}}}
              route: [{tags: {version: v3}, weight: 100}]
            - precedence: 2
              match:
                headers:
                  x-user: {regex: "^(anna|bob)$"}
                  X-Age: {greater: 18}
              route: [{tags: {version: v2}, weight: 100}]
            - precedence: 1
              route: [{tags: {version: v1}, weight: 100}]
        """;

    [Fact]
    public void Four_rules_over_two_headers_look_each_up_once()
    {
        var router = new MeshRouter(new MeshRegistry(MeshFixtures.Labelled(MeshFixtures.ReviewsHost, ("10.0.1.1", "v1"), ("10.0.2.1", "v2"), ("10.0.3.1", "v3"))), RouterRules.Parse(Rules));
        var lookups = new List<string>();
        var headers = new CountingHeaders(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["X-User"] = "anna", ["X-Age"] = "30" }, lookups);

        var decision = router.Route(new RouteRequest("reviews"), headers);

        Assert.Equal(2, decision.RuleIndex);
        Assert.Equal("10.0.2.1", decision.Endpoint!.Address);
        Assert.Equal(2, lookups.Count);
        Assert.Equal(2, lookups.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void Rules_over_more_headers_than_the_snapshot_holds_still_match_each_one()
    {
        var names = Enumerable.Range(1, 6).Select(i => $"X-H{i}").ToArray();
        var yaml = "routeRule:\n  reviews:\n    - precedence: 2\n      match:\n        headers:\n"
            + string.Concat(names.Select(n => $"          {n}: {{exact: yes}}\n"))
            + "      route: [{tags: {version: v2}, weight: 100}]\n    - precedence: 1\n      route: [{tags: {version: v1}, weight: 100}]\n";
        var router = new MeshRouter(new MeshRegistry(MeshFixtures.Labelled(MeshFixtures.ReviewsHost, ("10.0.1.1", "v1"), ("10.0.2.1", "v2"))), RouterRules.Parse(yaml));
        var all = names.ToDictionary(n => n, _ => "yes", StringComparer.OrdinalIgnoreCase);

        Assert.Equal(0, router.Route(new RouteRequest("reviews"), MeshFixtures.Headers([.. all.Select(p => (p.Key, p.Value))])).RuleIndex);
        foreach (var missing in names)
        {
            var some = all.Where(p => p.Key != missing).Select(p => (p.Key, p.Value)).ToArray();
            Assert.Equal(1, router.Route(new RouteRequest("reviews"), MeshFixtures.Headers(some)).RuleIndex);
            var wrong = all.Select(p => (p.Key, p.Key == missing ? "no" : p.Value)).ToArray();
            Assert.Equal(1, router.Route(new RouteRequest("reviews"), MeshFixtures.Headers(wrong)).RuleIndex);
        }
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
}
