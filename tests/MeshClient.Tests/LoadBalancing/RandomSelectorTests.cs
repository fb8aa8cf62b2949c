using MeshClient.LoadBalancing;
using MeshClient.Registry;
using MeshClient.Tests.Routing;

namespace MeshClient.Tests.LoadBalancing;

public sealed class RandomSelectorTests
{
    [Fact]
    public void Equal_weights_spread_evenly_within_statistical_bounds()
    {
        var selector = new RandomSelector(Candidates.Plain(4), new SeededRandomSource(11));
        var counts = Candidates.Count(selector, 20_000);
        Assert.Equal(4, counts.Count);

        // 5 standard deviations of a binomial with p = 1/4, n = 20000: +-306.
        Assert.All(counts.Values, c => Assert.InRange(c, 5000 - 306, 5000 + 306));
    }

    [Fact]
    public void Endpoint_and_locality_weights_set_the_chances()
    {
        var east = new EndpointLocality("us", "east", string.Empty);
        var west = new EndpointLocality("us", "west", string.Empty);
        var selector = new RandomSelector(
            Candidates.Of(
                new MeshEndpoint("10.3.1.1", 80, locality: east, localityWeight: 3, weight: 1),
                new MeshEndpoint("10.3.1.2", 80, locality: east, localityWeight: 3, weight: 2),
                new MeshEndpoint("10.3.2.1", 80, locality: west, localityWeight: 1)),
            new SeededRandomSource(5));
        var counts = Candidates.Count(selector, 40_000);

        // Chances 1/4, 1/2, 1/4; 5 standard deviations: +-433 and +-500.
        Assert.InRange(counts["10.3.1.1"], 10_000 - 433, 10_000 + 433);
        Assert.InRange(counts["10.3.1.2"], 20_000 - 500, 20_000 + 500);
        Assert.InRange(counts["10.3.2.1"], 10_000 - 433, 10_000 + 433);
    }
}
