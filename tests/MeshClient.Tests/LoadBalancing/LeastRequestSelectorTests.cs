using MeshClient.LoadBalancing;
using MeshClient.Tests.Routing;

namespace MeshClient.Tests.LoadBalancing;

public sealed class LeastRequestSelectorTests
{
    [Fact]
    public void Of_two_choices_the_one_with_fewer_calls_in_flight_wins()
    {
        var candidates = Candidates.Plain(2);
        candidates[0].Statistics.CallStarted();
        candidates[0].Statistics.CallStarted();
        var selector = new LeastRequestSelector(candidates, new SeededRandomSource(1));
        Assert.All(Enumerable.Range(0, 50), _ => Assert.Same(candidates[1], selector.Select(default)));
    }

    [Fact]
    public void A_busy_endpoint_gets_almost_no_calls_while_idle_ones_share_evenly()
    {
        var candidates = Candidates.Plain(4);
        for (var i = 0; i < 10; i++)
        {
            candidates[3].Statistics.CallStarted();
        }

        var selector = new LeastRequestSelector(candidates, new SeededRandomSource(3));
        var counts = Candidates.Count(selector, 12_000);

        // The busy one is picked only if it is drawn twice, which power of two choices never does.
        Assert.False(counts.ContainsKey("10.3.0.4"));
        Assert.All(counts.Values, c => Assert.InRange(c, 4000 - 300, 4000 + 300));
    }

    [Fact]
    public void In_flight_counts_stay_level_as_calls_start()
    {
        var candidates = Candidates.Plain(3);
        var selector = new LeastRequestSelector(candidates, new SeededRandomSource(9));
        for (var i = 0; i < 300; i++)
        {
            selector.Select(default).Statistics.CallStarted();
        }

        var loads = candidates.Select(c => c.Statistics.InFlight).ToArray();
        Assert.Equal(300, loads.Sum());
        Assert.True(loads.Max() - loads.Min() <= 3, string.Join(",", loads));
    }

    [Fact]
    public void Heavier_endpoints_carry_proportionally_more_calls_in_flight()
    {
        var candidates = Candidates.Of(new MeshClient.Registry.MeshEndpoint("10.3.0.1", 80, weight: 2), new MeshClient.Registry.MeshEndpoint("10.3.0.2", 80, weight: 1));
        var selector = new LeastRequestSelector(candidates, new SeededRandomSource(4));
        for (var i = 0; i < 300; i++)
        {
            selector.Select(default).Statistics.CallStarted();
        }

        Assert.InRange(candidates[0].Statistics.InFlight, 198, 201);
    }

    [Fact]
    public void A_single_endpoint_is_always_chosen() =>
        Assert.Equal("10.3.0.1", new LeastRequestSelector(Candidates.Plain(1), new SeededRandomSource(1)).Select(default).Endpoint.Address);
}
