using MeshClient.Grpc;

namespace MeshClient.Tests.Grpc;

public sealed class XdsTargetTests
{
    [Theory]
    [InlineData("xds:///reviews:9080", "reviews", 9080)]
    [InlineData("xds:///reviews", "reviews", null)]
    [InlineData("xds:///reviews:1", "reviews", 1)]
    [InlineData("xds:///reviews:65535", "reviews", 65535)]
    [InlineData("XDS:///reviews.shop.svc.cluster.local:15010", "reviews.shop.svc.cluster.local", 15010)]
    public void Reads_the_service_and_the_port(string address, string service, int? port)
    {
        var target = XdsTarget.Parse(new Uri(address));

        Assert.Equal(new XdsTarget(service, port), target);
        Assert.Equal(port is null ? service : $"{service}:{port}", target.ToString());
    }

    [Theory]
    [InlineData("xds://pilot/reviews:9080", "names an xDS authority ('pilot')")]
    [InlineData("xds:///", "names no service")]
    [InlineData("xds:///a/b:9080", "names no service")]
    [InlineData("xds:///reviews:9080?x=1", "names no service")]
    [InlineData("xds:///reviews:0", "the port must be 1 to 65535")]
    [InlineData("xds:///reviews:65536", "the port must be 1 to 65535")]
    [InlineData("xds:///reviews:http", "the port must be 1 to 65535")]
    [InlineData("xds:///:9080", "the port must be 1 to 65535")]
    [InlineData("http://reviews:9080", "is not an xds:/// address")]
    public void Refuses_a_bad_address_naming_it_and_why(string address, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => XdsTarget.Parse(new Uri(address)));

        Assert.Contains($"'{new Uri(address)}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
