using MeshClient.Cli.Distribution;
using MeshClient.Registry;
using MeshClient.Routing;

namespace MeshClient.Cli.Tests.Distribution;

public sealed class RouteDistributionTests
{
    private static readonly MeshEndpoint A = new("10.0.0.1", 9080);
    private static readonly MeshEndpoint B = new("10.0.0.2", 9080);

    private static RouteOutcome Outcome(int rule, MeshEndpoint? endpoint, params (string Name, string Value)[] tags) => new(
        rule,
        rule >= 0 ? 2 : 0,
        tags.ToDictionary(t => t.Name, t => t.Value),
        IsRemainder: false,
        Subset: null,
        endpoint,
        endpoint is null ? RouteFailure.NoEndpointWithTags : RouteFailure.None);

    [Fact]
    public void Counts_rules_tag_sets_and_endpoints_in_order_of_first_appearance()
    {
        var distribution = new RouteDistribution();
        distribution.Add(Outcome(0, B, ("version", "v2")));
        distribution.Add(Outcome(0, A, ("version", "v1")));
        distribution.Add(Outcome(0, B, ("version", "v2")));

        Assert.Equal(3, distribution.Calls);
        Assert.Equal(3, distribution.Routed);
        Assert.Equal([new RuleCount(0, 2, 3)], distribution.Rules);
        Assert.Equal(["v2", "v1"], distribution.Subsets.Select(s => s.Tags.Single().Value));
        Assert.Equal([2, 1], distribution.Subsets.Select(s => s.Count));
        Assert.Equal([new EndpointCount("10.0.0.2", 9080, 0, 2), new EndpointCount("10.0.0.1", 9080, 0, 1)], distribution.Endpoints);
        Assert.Empty(distribution.Failures);
    }

    [Fact]
    public void Tag_sets_are_equal_whatever_their_order_and_sorted_by_name()
    {
        var distribution = new RouteDistribution();
        distribution.Add(Outcome(0, A, ("version", "v2"), ("debug", "true")));
        distribution.Add(Outcome(0, A, ("debug", "true"), ("version", "v2")));

        var subset = Assert.Single(distribution.Subsets);
        Assert.Equal(2, subset.Count);
        Assert.Equal(["debug", "version"], subset.Tags.Select(t => t.Key));
    }

    [Fact]
    public void Tag_sets_whose_joined_text_would_collide_stay_apart()
    {
        var distribution = new RouteDistribution();
        distribution.Add(Outcome(0, A, ("a", "b,c=d")));
        distribution.Add(Outcome(0, A, ("a", "b"), ("c", "d")));

        Assert.Equal(2, distribution.Subsets.Count);
    }

    [Fact]
    public void Main_rule_is_the_one_most_calls_matched_and_the_first_seen_on_a_tie()
    {
        var distribution = new RouteDistribution();
        Assert.Null(distribution.MainRule);

        distribution.Add(Outcome(-1, A));
        distribution.Add(Outcome(1, A, ("version", "v1")));
        Assert.Equal(-1, distribution.MainRule!.Index);
        Assert.False(distribution.MainRule.Matched);

        distribution.Add(Outcome(1, B, ("version", "v1")));
        Assert.Equal(new RuleCount(1, 2, 2), distribution.MainRule);
        Assert.Equal([new RuleCount(-1, 0, 1), new RuleCount(1, 2, 2)], distribution.Rules);
    }

    [Fact]
    public void Calls_without_an_endpoint_count_for_their_tag_set_and_reason_only()
    {
        var distribution = new RouteDistribution();
        distribution.Add(Outcome(0, null, ("version", "v9")));
        distribution.Add(Outcome(0, null, ("version", "v9")));
        distribution.Add(Outcome(0, A, ("version", "v1")));
        distribution.Add(new RouteOutcome(-1, 0, new Dictionary<string, string>(), false, null, null, RouteFailure.NoRoutableEndpoints));

        Assert.Equal(4, distribution.Calls);
        Assert.Equal(1, distribution.Routed);
        Assert.Equal([new FailureCount(RouteFailure.NoEndpointWithTags, 2), new FailureCount(RouteFailure.NoRoutableEndpoints, 1)], distribution.Failures);
        var v9 = distribution.Subsets[0];
        Assert.Equal((2, 2), (v9.Count, v9.Failed));
        Assert.Equal([new EndpointCount("10.0.0.1", 9080, 0, 1)], distribution.Endpoints);
    }

    [Fact]
    public void Same_address_on_another_port_is_another_endpoint()
    {
        var distribution = new RouteDistribution();
        distribution.Add(Outcome(0, A));
        distribution.Add(Outcome(0, new MeshEndpoint("10.0.0.1", 9090)));

        Assert.Equal([9080, 9090], distribution.Endpoints.Select(e => e.Port));
    }

    [Fact]
    public void Remainder_and_subset_name_are_kept_with_the_tag_set()
    {
        var distribution = new RouteDistribution();
        distribution.Add(new RouteOutcome(0, 1, new Dictionary<string, string> { ["version"] = "v3" }, true, "v3", A, RouteFailure.None));

        var subset = Assert.Single(distribution.Subsets);
        Assert.True(subset.IsRemainder);
        Assert.Equal("v3", subset.Subset);
    }
}
