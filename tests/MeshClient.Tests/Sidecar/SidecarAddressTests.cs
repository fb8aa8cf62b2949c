using MeshClient.Sidecar;

namespace MeshClient.Tests.Sidecar;

public sealed class SidecarAddressTests
{
    [Fact]
    public void Colon_address_joins_the_service_name_with_dots_as_dashes()
    {
        Assert.Equal("go-micro-api-sample:9080", SidecarAddress.Resolve("go.micro.api.sample", ":9080"));
    }

    [Fact]
    public void Namespace_is_appended_to_a_derived_host()
    {
        Assert.Equal("go-micro-api-sample.prod:9080", SidecarAddress.Resolve("go.micro.api.sample", ":9080", "prod"));
    }

    [Theory]
    [InlineData("10.0.0.7:8080")]
    [InlineData("reviews.default.svc.cluster.local:9080")]
    [InlineData("localhost")]
    public void Any_other_address_is_used_as_it_is(string address)
    {
        Assert.Equal(address, SidecarAddress.Resolve("go.micro.api.sample", address, "prod"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Empty_address_is_a_clear_error(string address)
    {
        var error = Assert.Throws<ArgumentException>(() => SidecarAddress.Resolve("go.micro.api.sample", address));
        Assert.Contains("go.micro.api.sample", error.Message, StringComparison.Ordinal);
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(":")]
    [InlineData(":http")]
    [InlineData(":0")]
    [InlineData(":70000")]
    public void Colon_address_without_a_valid_port_is_a_clear_error(string address)
    {
        var error = Assert.Throws<ArgumentException>(() => SidecarAddress.Resolve("go.micro.api.sample", address));
        Assert.Contains("port", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Colon_address_without_a_service_name_is_a_clear_error()
    {
        var error = Assert.Throws<ArgumentException>(() => SidecarAddress.Resolve("", ":9080"));
        Assert.Contains("service name is empty", error.Message, StringComparison.Ordinal);
    }
}
