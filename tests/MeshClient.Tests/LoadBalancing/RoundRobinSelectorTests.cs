using MeshClient.LoadBalancing;
using MeshClient.Registry;

namespace MeshClient.Tests.LoadBalancing;

public sealed class RoundRobinSelectorTests
{
    [Fact]
    public void Equal_weights_rotate_through_every_endpoint()
    {
        var selector = new RoundRobinSelector(Candidates.Plain(3));
        Assert.Equal(["10.3.0.1", "10.3.0.2", "10.3.0.3", "10.3.0.1"], Enumerable.Range(0, 4).Select(_ => selector.Select(default).Endpoint.Address));
    }

    [Fact]
    public void Endpoint_weights_give_exact_shares()
    {
        var selector = new RoundRobinSelector(Candidates.Of(new MeshEndpoint("10.3.0.1", 80, weight: 3), new MeshEndpoint("10.3.0.2", 80, weight: 1)));
        var counts = Candidates.Count(selector, 400);
        Assert.Equal(300, counts["10.3.0.1"]);
        Assert.Equal(100, counts["10.3.0.2"]);
    }

    [Fact]
    public void Locality_weights_share_calls_between_localities_then_endpoint_weights_within()
    {
        var east = new EndpointLocality("us", "east", string.Empty);
        var west = new EndpointLocality("us", "west", string.Empty);
        var selector = new RoundRobinSelector(Candidates.Of(
            new MeshEndpoint("10.3.1.1", 80, locality: east, localityWeight: 3, weight: 1),
            new MeshEndpoint("10.3.1.2", 80, locality: east, localityWeight: 3, weight: 2),
            new MeshEndpoint("10.3.2.1", 80, locality: west, localityWeight: 1)));
        var counts = Candidates.Count(selector, 1200);

        // East gets 3/4 of the calls, split 1:2; west 1/4 (despite having one endpoint of three).
        Assert.Equal(300, counts["10.3.1.1"]);
        Assert.Equal(600, counts["10.3.1.2"]);
        Assert.Equal(300, counts["10.3.2.1"]);
    }
}
