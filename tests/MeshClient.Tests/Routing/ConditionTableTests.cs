using System.Text;
using MeshClient.Registry;
using MeshClient.Routing;

namespace MeshClient.Tests.Routing;

/// <summary>
/// The condition table: a service whose header conditions are cheap is decided by one evaluation of every condition
/// while the headers are read, and picks exactly the rule that testing the rules one by one picks.
/// </summary>
public sealed class ConditionTableTests
{
    private static readonly string[] HeaderNames = ["X-User", "X-Age", "X-Tenant"];
    private static readonly string[] Values = ["jason", "anna", "bob", "ANNA", "17", "18", "19", "60", "61", "-5", "18.5", "abc", ""];

    private static readonly string[] Conditions =
    [
        "{exact: jason}", "{exact: anna, caseInsensitive: true}", "{noEqu: bob}", "{regex: \"^(anna|bob)$\"}",
        "{regex: \"^(anna|bob)$\", caseInsensitive: true}", "{greater: 18}", "{less: 60}", "{noLess: 18, noGreater: 60}",
        "{greater: 18.2}",
    ];

    [Fact]
    public void Random_rule_sets_pick_the_rule_that_testing_rules_one_by_one_picks()
    {
        var random = new Random(8);
        var checkedDecisions = 0;
        var picked = new HashSet<int>();
        for (var set = 0; set < 60; set++)
        {
            var yaml = RandomRules(random, out var ruleCount);
            var router = Router(yaml);
            var routes = router.State.GetRoutes("reviews", null);
            Assert.NotNull(routes.Conditions);
            for (var call = 0; call < 40; call++)
            {
                var pairs = HeaderNames.Where(_ => random.Next(3) > 0).Select(n => (Name: random.Next(2) == 0 ? n : n.ToLowerInvariant(), Value: Values[random.Next(Values.Length)])).ToArray();
                var source = random.Next(3) switch { 0 => null, 1 => "productpage", _ => "ratings" };
                var request = new RouteRequest("reviews", sourceService: source);
                var expected = ExpectedRuleIndex(routes, request, MeshFixtures.Headers(pairs));

                using var message = new HttpRequestMessage(HttpMethod.Get, "http://reviews/");
                foreach (var (name, value) in pairs)
                {
                    message.Headers.TryAddWithoutValidation(name, value);
                }

                var because = $"rules:\n{yaml}\nheaders: {string.Join(", ", pairs.Select(p => $"{p.Name}={p.Value}"))}; source {source}";
                Assert.True(expected == router.Route(request, new HttpRequestHeadersReader(message.Headers)).RuleIndex, because);
                Assert.True(expected == router.Route(request, MeshFixtures.Headers(pairs)).RuleIndex, because);
                checkedDecisions++;
                picked.Add(expected);
            }

            Assert.InRange(ruleCount, 1, 6);
        }

        Assert.Equal(2400, checkedDecisions);
        Assert.Superset(new HashSet<int>([-1, 0, 1, 2, 3, 4]), picked);
    }

    [Fact]
    public void A_rule_matches_only_when_its_caller_conditions_hold_as_well_as_its_header_conditions()
    {
        var router = Router("""
            routeRule:
              reviews:
                - precedence: 3
                  match: {source: productpage, headers: {X-User: {exact: jason}}}
                  route: [{tags: {version: v3}, weight: 100}]
                - precedence: 2
                  match: {sourceTags: {version: v9}, headers: {X-User: {exact: jason}}}
                  route: [{tags: {version: v2}, weight: 100}]
                - precedence: 1
                  route: [{tags: {version: v1}, weight: 100}]
            """);
        Assert.NotNull(router.State.GetRoutes("reviews", null).Conditions);
        var jason = MeshFixtures.Headers(("X-User", "jason"));

        Assert.Equal(0, router.Route(new RouteRequest("reviews", sourceService: "productpage"), jason).RuleIndex);
        Assert.Equal(2, router.Route(new RouteRequest("reviews", sourceService: "ratings"), jason).RuleIndex);
        Assert.Equal(1, router.Route(new RouteRequest("reviews", sourceService: "ratings", sourceTags: MeshFixtures.Labels(("version", "v9"))), jason).RuleIndex);
        Assert.Equal(2, router.Route(new RouteRequest("reviews", sourceService: "productpage"), MeshFixtures.Headers(("X-User", "anna"))).RuleIndex);
    }

    [Fact]
    public void A_regex_that_runs_or_more_names_than_the_snapshot_keeps_leave_the_rules_tested_one_by_one()
    {
        var regex = Router("""
            routeRule:
              reviews:
                - match: {headers: {X-User: {regex: "^a.*$"}}}
                  route: [{tags: {version: v2}, weight: 100}]
                - route: [{tags: {version: v1}, weight: 100}]
            """);
        var names = Enumerable.Range(1, HeaderSnapshot.Capacity + 1).Select(i => $"X-H{i}").ToArray();
        var many = Router("routeRule:\n  reviews:\n    - match:\n        headers:\n"
            + string.Concat(names.Select(n => $"          {n}: {{exact: yes}}\n"))
            + "      route: [{tags: {version: v2}, weight: 100}]\n    - route: [{tags: {version: v1}, weight: 100}]\n");

        Assert.Null(regex.State.GetRoutes("reviews", null).Conditions);
        Assert.Equal(0, regex.Route(new RouteRequest("reviews"), MeshFixtures.Headers(("X-User", "alice"))).RuleIndex);
        Assert.Equal(1, regex.Route(new RouteRequest("reviews"), MeshFixtures.Headers(("X-User", "bob"))).RuleIndex);
        Assert.Null(many.State.GetRoutes("reviews", null).Conditions);
        Assert.Equal(0, many.Route(new RouteRequest("reviews"), MeshFixtures.Headers([.. names.Select(n => (n, "yes"))])).RuleIndex);
        Assert.Equal(1, many.Route(new RouteRequest("reviews"), MeshFixtures.Headers([.. names.Skip(1).Select(n => (n, "yes"))])).RuleIndex);
    }

    [Fact]
    public void More_conditions_than_a_table_holds_leave_the_rules_tested_one_by_one()
    {
        var yaml = new StringBuilder("routeRule:\n  reviews:\n");
        for (var i = 0; i < ConditionTable.MaxConditions + 1; i++)
        {
            yaml.Append($"    - precedence: {1000 - i}\n      match: {{headers: {{X-User: {{exact: u{i}}}}}}}\n      route: [{{tags: {{version: v2}}, weight: 100}}]\n");
        }

        yaml.Append("    - precedence: 1\n      route: [{tags: {version: v1}, weight: 100}]\n");
        var router = Router(yaml.ToString());

        Assert.Null(router.State.GetRoutes("reviews", null).Conditions);
        Assert.Equal(ConditionTable.MaxConditions, router.Route(new RouteRequest("reviews"), MeshFixtures.Headers(("X-User", $"u{ConditionTable.MaxConditions}"))).RuleIndex);
        Assert.Equal(ConditionTable.MaxConditions + 1, router.Route(new RouteRequest("reviews"), MeshFixtures.Headers(("X-User", "nobody"))).RuleIndex);
    }

    [Fact]
    public void The_table_holds_a_bit_per_condition_and_each_rule_asks_for_its_own()
    {
        var router = Router("""
            routeRule:
              reviews:
                - precedence: 3
                  match: {headers: {X-User: {exact: jason}}}
                  route: [{tags: {version: v1}, weight: 100}]
                - precedence: 2
                  match: {headers: {X-User: {regex: "^(anna|bob)$"}, X-Age: {greater: 18}}}
                  route: [{tags: {version: v2}, weight: 100}]
                - precedence: 1
                  route: [{tags: {version: v3}, weight: 100}]
            """);
        var table = router.State.GetRoutes("reviews", null).Conditions!;

        Assert.Equal(3, table.Count);
        Assert.Equal([1UL, 2UL | 4UL, 0UL], table.RuleMasks);
        Assert.Equal(1UL, table.Evaluate(MeshFixtures.Headers(("X-User", "jason"), ("X-Age", "5"))));
        Assert.Equal(2UL | 4UL, table.Evaluate(MeshFixtures.Headers(("x-user", "bob"), ("x-age", "19"))));
        Assert.Equal(2UL, table.Evaluate(MeshFixtures.Headers(("X-User", "anna"), ("X-Age", "18"))));
        Assert.Equal(0UL, table.Evaluate(MeshFixtures.Headers()));
    }

    private static int ExpectedRuleIndex(ServiceRoutes routes, in RouteRequest request, DictionaryRouteHeaders headers)
    {
        foreach (var plan in routes.Rules)
        {
            if (plan.Match is not { } match || match.Matches(request, headers))
            {
                return plan.Rule.Index;
            }
        }

        return -1;
    }

    private static string RandomRules(Random random, out int ruleCount)
    {
        ruleCount = random.Next(1, 7);
        var yaml = new StringBuilder("routeRule:\n  reviews:\n");
        for (var r = 0; r < ruleCount; r++)
        {
            yaml.Append($"    - precedence: {random.Next(1, 5)}\n");
            var headers = HeaderNames.Where(_ => random.Next(3) == 0).ToArray();
            var source = random.Next(4) == 0 ? "source: productpage" : null;
            if (headers.Length > 0 || source is not null)
            {
                var parts = new List<string>();
                if (source is not null)
                {
                    parts.Add(source);
                }

                if (headers.Length > 0)
                {
                    parts.Add("headers: {" + string.Join(", ", headers.Select(h => $"{h}: {Conditions[random.Next(Conditions.Length)]}")) + "}");
                }

                yaml.Append("      match: {").Append(string.Join(", ", parts)).Append("}\n");
            }

            yaml.Append($"      route: [{{tags: {{version: v{random.Next(1, 4)}}}, weight: 100}}]\n");
        }

        return yaml.ToString();
    }

    [Fact]
    public void Only_the_first_value_of_a_header_meets_a_condition()
    {
        var router = Router("""
            routeRule:
              reviews:
                - precedence: 2
                  match: {headers: {X-User: {exact: anna}}}
                  route: [{tags: {version: v2}, weight: 100}]
                - precedence: 1
                  route: [{tags: {version: v1}, weight: 100}]
            """);
        Assert.NotNull(router.State.GetRoutes("reviews", null).Conditions);
        var request = new RouteRequest("reviews");

        using var secondIsAnna = new HttpRequestMessage(HttpMethod.Get, "http://reviews/");
        secondIsAnna.Headers.TryAddWithoutValidation("X-User", "jason");
        secondIsAnna.Headers.TryAddWithoutValidation("X-User", "anna");
        Assert.Equal(1, router.Route(request, new HttpRequestHeadersReader(secondIsAnna.Headers)).RuleIndex);

        using var firstIsAnna = new HttpRequestMessage(HttpMethod.Get, "http://reviews/");
        firstIsAnna.Headers.TryAddWithoutValidation("X-User", "anna");
        firstIsAnna.Headers.TryAddWithoutValidation("X-User", "jason");
        Assert.Equal(0, router.Route(request, new HttpRequestHeadersReader(firstIsAnna.Headers)).RuleIndex);
    }

    private static MeshRouter Router(string yaml) =>
        new(new MeshRegistry(MeshFixtures.Labelled(MeshFixtures.ReviewsHost, ("10.0.1.1", "v1"), ("10.0.2.1", "v2"), ("10.0.3.1", "v3"))), RouterRules.Parse(yaml));
}
