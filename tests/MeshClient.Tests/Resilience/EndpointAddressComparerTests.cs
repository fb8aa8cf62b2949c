using MeshClient.LoadBalancing;
using MeshClient.Resilience;

namespace MeshClient.Tests.Resilience;

/// <summary>Outlier records are keyed by endpoint address: the host part compares without case, the port exactly.</summary>
public sealed class EndpointAddressComparerTests
{
    private static readonly EndpointAddressComparer Comparer = EndpointAddressComparer.Instance;

    [Fact]
    public void Addresses_that_differ_only_in_case_are_the_same_endpoint_with_the_same_hash()
    {
        var upper = new EndpointAddress("Reviews-V1.Default.SVC", 9080);
        var lower = new EndpointAddress("reviews-v1.default.svc", 9080);

        Assert.True(Comparer.Equals(upper, lower));
        Assert.Equal(Comparer.GetHashCode(upper), Comparer.GetHashCode(lower));
        Assert.Single(new HashSet<EndpointAddress>(Comparer) { upper, lower });
    }

    [Fact]
    public void Another_port_or_another_address_is_another_endpoint()
    {
        var endpoint = new EndpointAddress("10.0.0.1", 9080);

        Assert.False(Comparer.Equals(endpoint, new EndpointAddress("10.0.0.1", 9081)));
        Assert.False(Comparer.Equals(endpoint, new EndpointAddress("10.0.0.2", 9080)));
        Assert.False(Comparer.Equals(endpoint, new EndpointAddress("10.0.0.2", 9081)));
        Assert.Equal(3, new HashSet<EndpointAddress>(Comparer) { endpoint, new("10.0.0.1", 9081), new("10.0.0.2", 9080) }.Count);
    }
}
