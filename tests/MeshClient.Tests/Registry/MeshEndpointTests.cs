using MeshClient.Registry;

namespace MeshClient.Tests.Registry;

/// <summary>
/// The compact endpoint gives back exactly what it was made from: canonical IPv4 text is kept as 32 bits and made
/// again on first read, any other address text is kept as given; port, health, the sidecar mark, weights, locality,
/// priority and labels come back unchanged.
/// </summary>
public sealed class MeshEndpointTests
{
    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("192.168.100.7")]
    [InlineData("10.39.234.10")]
    public void Canonical_ipv4_text_is_packed_and_comes_back_as_the_same_text(string address)
    {
        Assert.True(IPv4Text.TryPack(address, out var packed));
        Assert.True(IPv4Text.TryPack(System.Text.Encoding.ASCII.GetBytes(address), out var fromUtf8));
        Assert.Equal(packed, fromUtf8);
        Assert.Equal(address, IPv4Text.Format(packed));

        var endpoint = new MeshEndpoint(address, 9080);

        Assert.Equal(address, endpoint.Address);
        Assert.Same(endpoint.Address, endpoint.Address);
        Assert.Equal(address + ":9080", endpoint.ToString());
    }

    [Theory]
    [InlineData("010.0.0.1")]
    [InlineData("10.0.0.01")]
    [InlineData("10.0.0")]
    [InlineData("10.0.0.1.5")]
    [InlineData("256.0.0.1")]
    [InlineData("10.0.0.1 ")]
    [InlineData(" 10.0.0.1")]
    [InlineData("10..0.1")]
    [InlineData("+10.0.0.1")]
    [InlineData("1000.0.0.1")]
    [InlineData("fe80::1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("reviews-0.reviews.default.svc.cluster.local")]
    [InlineData("10.0.0.１")]
    public void Any_other_address_text_is_kept_exactly_as_given(string address)
    {
        Assert.False(IPv4Text.TryPack(address, out _));
        Assert.False(IPv4Text.TryPack(System.Text.Encoding.UTF8.GetBytes(address), out _));

        var endpoint = new MeshEndpoint(address, 80);

        Assert.Same(address, endpoint.Address);
    }

    [Fact]
    public void Every_part_comes_back_as_given()
    {
        var locality = new EndpointLocality("us-east1", "us-east1-b", "rack-4");
        var labels = new Dictionary<string, string> { ["version"] = "v2", ["app"] = "reviews" };

        var endpoint = new MeshEndpoint("10.1.2.3", 65535, EndpointHealth.Degraded, 7, locality, 3, 2, labels) { IstioTlsMode = true };

        Assert.Equal("10.1.2.3", endpoint.Address);
        Assert.Equal(65535, endpoint.Port);
        Assert.Equal(EndpointHealth.Degraded, endpoint.Health);
        Assert.True(endpoint.IsRoutable);
        Assert.Equal(7u, endpoint.Weight);
        Assert.Same(locality, endpoint.Locality);
        Assert.Equal(3u, endpoint.LocalityWeight);
        Assert.Equal(2u, endpoint.Priority);
        Assert.Equal(labels.OrderBy(l => l.Key, StringComparer.Ordinal), endpoint.Labels.OrderBy(l => l.Key, StringComparer.Ordinal));
        Assert.True(endpoint.IstioTlsMode);
        Assert.False(new MeshEndpoint("10.1.2.3", 1, EndpointHealth.Draining).IsRoutable);
    }

    [Fact]
    public void Zero_weights_read_as_one_and_the_defaults_share_one_placement()
    {
        var endpoint = new MeshEndpoint("10.0.0.1", 80, weight: 0, localityWeight: 0);

        Assert.Equal(1u, endpoint.Weight);
        Assert.Equal(1u, endpoint.LocalityWeight);
        Assert.Same(EndpointLocality.None, endpoint.Locality);
        Assert.Same(EndpointPlacement.Default, endpoint.Placement);
        Assert.NotSame(EndpointPlacement.Default, new MeshEndpoint("10.0.0.1", 80, weight: 2).Placement);
    }

    [Fact]
    public void A_copy_with_other_labels_keeps_everything_else()
    {
        var endpoint = new MeshEndpoint("10.0.0.9", 8080, EndpointHealth.Unknown, 4, new EndpointLocality("r", "z", "s"), 5, 1) { IstioTlsMode = true };

        var copy = endpoint.WithLabels(new Dictionary<string, string> { ["version"] = "v3" });

        Assert.Equal("v3", copy.Labels["version"]);
        Assert.Empty(endpoint.Labels);
        Assert.True(endpoint.HasSameAddress(copy));
        Assert.Equal((endpoint.Health, endpoint.Weight, endpoint.Locality, endpoint.LocalityWeight, endpoint.Priority, endpoint.IstioTlsMode), (copy.Health, copy.Weight, copy.Locality, copy.LocalityWeight, copy.Priority, copy.IstioTlsMode));
    }

    [Fact]
    public void Addresses_compare_as_text_whatever_their_form()
    {
        Assert.True(new MeshEndpoint("10.0.0.1", 80).HasSameAddress(new MeshEndpoint("10.0.0.1", 80)));
        Assert.False(new MeshEndpoint("10.0.0.1", 80).HasSameAddress(new MeshEndpoint("10.0.0.1", 81)));
        Assert.False(new MeshEndpoint("10.0.0.1", 80).HasSameAddress(new MeshEndpoint("10.0.0.2", 80)));
        Assert.False(new MeshEndpoint("10.0.0.1", 80).HasSameAddress(new MeshEndpoint("010.0.0.1", 80)));
        Assert.True(new MeshEndpoint("FE80::1", 80).HasSameAddress(new MeshEndpoint("fe80::1", 80)));

        Assert.True(ClusterContent.Equal(new MeshEndpoint("10.0.0.1", 80, weight: 3), new MeshEndpoint("10.0.0.1", 80, weight: 3)));
        Assert.False(ClusterContent.Equal(new MeshEndpoint("10.0.0.1", 80, weight: 3), new MeshEndpoint("10.0.0.1", 80, weight: 2)));
        Assert.False(ClusterContent.Equal(new MeshEndpoint("10.0.0.1", 80), new MeshEndpoint("010.0.0.1", 80)));
        Assert.False(ClusterContent.Equal(new MeshEndpoint("10.0.0.1", 80), new MeshEndpoint("10.0.0.1", 80) { IstioTlsMode = true }));
        Assert.False(ClusterContent.Equal(new MeshEndpoint("10.0.0.1", 80, priority: 1), new MeshEndpoint("10.0.0.1", 80)));
    }

    [Fact]
    public void An_invalid_port_or_health_is_refused_with_the_parameter_named()
    {
        Assert.Equal("port", Assert.Throws<ArgumentOutOfRangeException>(() => new MeshEndpoint("10.0.0.1", 0)).ParamName);
        Assert.Equal("port", Assert.Throws<ArgumentOutOfRangeException>(() => new MeshEndpoint("10.0.0.1", 65536)).ParamName);
        Assert.Equal("health", Assert.Throws<ArgumentOutOfRangeException>(() => new MeshEndpoint("10.0.0.1", 80, (EndpointHealth)256)).ParamName);
        Assert.Throws<ArgumentException>(() => new MeshEndpoint(string.Empty, 80));
    }
}
