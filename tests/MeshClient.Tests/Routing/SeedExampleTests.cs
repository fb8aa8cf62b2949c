using MeshClient.LoadBalancing;
using MeshClient.Routing;

namespace MeshClient.Tests.Routing;

/// <summary>The go-chassis seed: router.yaml 40/40/20 plus its DestinationRule, over the subset clusters Pilot sends.</summary>
public sealed class SeedExampleTests
{
    private static readonly RouteRequest Request = new("targetService");

    [Theory]
    [InlineData(100, 40, 40, 20)]
    [InlineData(1000, 400, 400, 200)]
    public void Smooth_weighted_round_robin_gives_exact_counts(int calls, int v1, int v2, int v3)
    {
        var router = MeshFixtures.SeedRouter();
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < calls; i++)
        {
            var decision = router.Route(Request);
            Assert.True(decision.Succeeded, decision.ToString());
            counts[decision.Subset!] = counts.GetValueOrDefault(decision.Subset!) + 1;

            // The endpoint is one of the subset's own endpoints (10.0.S.x), so the DR labels reached the right cluster.
            Assert.Equal(decision.Subset, MeshFixtures.SubsetOf(decision.Endpoint!));
        }

        Assert.Equal(v1, counts["v1"]);
        Assert.Equal(v2, counts["v2"]);
        Assert.Equal(v3, counts["v3"]);
    }

    [Fact]
    public void Any_100_consecutive_calls_give_exactly_40_40_20()
    {
        var router = MeshFixtures.SeedRouter();
        var subsets = Enumerable.Range(0, 1000).Select(_ => router.Route(Request).Subset!).ToArray();
        for (var start = 0; start + 100 <= subsets.Length; start++)
        {
            var window = subsets.AsSpan(start, 100).ToArray();
            Assert.Equal(40, window.Count(s => s == "v1"));
            Assert.Equal(40, window.Count(s => s == "v2"));
            Assert.Equal(20, window.Count(s => s == "v3"));
        }
    }

    [Fact]
    public void Subset_picks_are_interleaved_not_in_blocks()
    {
        var router = MeshFixtures.SeedRouter();
        var subsets = Enumerable.Range(0, 100).Select(_ => router.Route(Request).Subset!).ToArray();
        var longestRun = 1;
        var run = 1;
        for (var i = 1; i < subsets.Length; i++)
        {
            run = subsets[i] == subsets[i - 1] ? run + 1 : 1;
            longestRun = Math.Max(longestRun, run);
        }

        Assert.True(longestRun <= 2, $"longest run {longestRun}");
    }

    [Fact]
    public void Endpoints_within_a_subset_are_shared_evenly()
    {
        var router = MeshFixtures.SeedRouter();
        var byEndpoint = Enumerable.Range(0, 1000)
            .Select(_ => router.Route(Request).Endpoint!.Address)
            .GroupBy(a => a)
            .ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(200, byEndpoint["10.0.1.1"]);
        Assert.Equal(200, byEndpoint["10.0.1.2"]);
        Assert.Equal(200, byEndpoint["10.0.2.1"]);
        Assert.Equal(200, byEndpoint["10.0.2.2"]);
        Assert.Equal(100, byEndpoint["10.0.3.1"]);
        Assert.Equal(100, byEndpoint["10.0.3.2"]);
    }

    [Fact]
    public void Decision_explains_rule_tags_subset_and_strategy()
    {
        var router = MeshFixtures.SeedRouter();
        var first = router.Route(Request);
        Assert.Equal(0, first.RuleIndex);
        Assert.Equal(2, first.RulePrecedence);
        Assert.True(first.RuleMatched);
        Assert.Equal("v1", first.Tags["version"]);
        Assert.Equal("v1", first.Subset);
        Assert.Equal(LoadBalancingStrategy.RoundRobin, first.Strategy);
        Assert.Equal(1, first.RegistryVersion);
        Assert.False(first.IsRemainder);

        var second = router.Route(Request);
        Assert.Equal("true", second.Tags["debug"]);
        Assert.Equal("v2", second.Subset);

        var text = second.ToString();
        Assert.Contains("rule 1 (precedence 2)", text, StringComparison.Ordinal);
        Assert.Contains("{debug=true, version=v2}", text, StringComparison.Ordinal);
        Assert.Contains("subset v2", text, StringComparison.Ordinal);
        Assert.Contains(second.Endpoint!.ToString(), text, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_the_destination_rule_subset_endpoints_carry_no_tags()
    {
        var router = new MeshRouter(new(MeshFixtures.SeedSnapshot()), RouterRules.Parse(MeshFixtures.SeedRouterYaml));
        var decision = router.Route(Request);
        Assert.False(decision.Succeeded);
        Assert.Equal(RouteFailure.NoEndpointWithTags, decision.Failure);
        Assert.Equal("v1", decision.Tags["version"]);
    }
}
