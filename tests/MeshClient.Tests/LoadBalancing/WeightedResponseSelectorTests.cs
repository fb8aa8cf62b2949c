using Microsoft.Extensions.Time.Testing;
using MeshClient.LoadBalancing;
using MeshClient.Testing;
using MeshClient.Tests.Routing;

namespace MeshClient.Tests.LoadBalancing;

public sealed class WeightedResponseSelectorTests
{
    private readonly FakeTimeProvider _time = new();

    private LoadBalancingSettings Settings(int seed) =>
        new(new SeededRandomSource(seed), _time, TimeSpan.FromSeconds(30), 5, TimeSpan.FromSeconds(10));

    private void Record(EndpointCandidate candidate, TimeSpan latency, int calls)
    {
        for (var i = 0; i < calls; i++)
        {
            candidate.Statistics.CallStarted();
            candidate.Statistics.CallFinished(true, latency.Ticks, _time.GetTimestamp());
        }
    }

    private static EndpointCandidate[] Candidates3() => Candidates.WithWindow(
        TimeSpan.FromSeconds(10),
        new MeshClient.Registry.MeshEndpoint("10.3.0.1", 80),
        new MeshClient.Registry.MeshEndpoint("10.3.0.2", 80),
        new MeshClient.Registry.MeshEndpoint("10.3.0.3", 80));

    [Fact]
    public void Without_response_times_calls_spread_evenly()
    {
        var selector = new WeightedResponseSelector(Candidates3(), Settings(1));
        var counts = Candidates.Count(selector, 9000);
        Assert.All(counts.Values, c => Assert.InRange(c, 3000 - 250, 3000 + 250));
    }

    [Fact]
    public void Faster_endpoints_get_more_calls_and_slow_ones_still_get_some()
    {
        var candidates = Candidates3();
        Record(candidates[0], TimeSpan.FromMilliseconds(10), 20);
        Record(candidates[1], TimeSpan.FromMilliseconds(10), 20);
        Record(candidates[2], TimeSpan.FromMilliseconds(1000), 20);
        var selector = new WeightedResponseSelector(candidates, Settings(2));
        var counts = Candidates.Count(selector, 20_000);

        // Speeds 100:100:1 -> 0.9 * (100/201, 100/201, 1/201) + 0.1/3 = 48.1%, 48.1%, 3.8%.
        Assert.InRange(counts["10.3.0.1"], 9620 - 400, 9620 + 400);
        Assert.InRange(counts["10.3.0.2"], 9620 - 400, 9620 + 400);
        Assert.InRange(counts["10.3.0.3"], 760 - 150, 760 + 150);
    }

    [Fact]
    public void Weights_follow_the_window_and_old_response_times_expire()
    {
        var candidates = Candidates3();
        var selector = new WeightedResponseSelector(candidates, Settings(3));
        Record(candidates[2], TimeSpan.FromMilliseconds(1000), 10);
        Record(candidates[0], TimeSpan.FromMilliseconds(10), 10);
        var slowShare = Candidates.Count(selector, 10_000).GetValueOrDefault("10.3.0.3");
        Assert.InRange(slowShare, 0, 1000);

        // Two windows later nothing recent is known: even spread again once the weights are refreshed.
        _time.Advance(TimeSpan.FromSeconds(25));
        var counts = Candidates.Count(selector, 9000);
        Assert.All(counts.Values, c => Assert.InRange(c, 3000 - 250, 3000 + 250));
    }
}
