using MeshClient.Cli.Commands;

namespace MeshClient.Cli.Tests.Commands;

public sealed class PilotArgumentsTests
{
    [Theory]
    [InlineData("grpc://istiod.istio-system:15010", "grpc://istiod.istio-system:15010")]
    [InlineData("istiod.istio-system:15010", "grpc://istiod.istio-system:15010")]
    [InlineData("http://127.0.0.1:15010", "http://127.0.0.1:15010")]
    [InlineData("https://istiod.example.com", "https://istiod.example.com")]
    [InlineData("https://istiod.example.com:15012", "https://istiod.example.com:15012")]
    [InlineData("grpc://[::1]:15010", "grpc://[::1]:15010")]
    [InlineData("[::1]:15010", "grpc://[::1]:15010")]
    public void Addresses_take_a_scheme_host_and_port(string text, string expected)
    {
        var request = new EndpointsRequest(PilotArguments.ParseAddress(text), XdsApiVersion.V3, "default", TimeSpan.FromSeconds(1), TimeSpan.Zero);
        Assert.Equal(expected, request.PilotAddress);
    }

    [Theory]
    [InlineData("grpc://istiod", "needs a port")]
    [InlineData("http://istiod", "needs a port")]
    [InlineData("istiod", "needs a port")]
    [InlineData("[::1]", "needs a port")]
    [InlineData("grpc://istiod:", "needs a port")]
    [InlineData("tcp://istiod:15010", "must use grpc://, http://, https:// or unix://")]
    [InlineData("unix://relative/XDS", "must be a Unix socket address")]
    [InlineData("grpc://istiod:15010/path", "takes scheme, host and port only")]
    [InlineData("grpc://istiod:15010?x=1", "takes scheme, host and port only")]
    [InlineData("grpc://:15010", "must be an address such as grpc://istiod.istio-system:15010")]
    [InlineData("grpc://istiod:99999", "must be an address such as grpc://istiod.istio-system:15010")]
    public void Bad_addresses_are_usage_errors(string text, string expected)
    {
        var error = Assert.Throws<UsageException>(() => PilotArguments.ParseAddress(text));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, 3)]
    [InlineData("v3", 3)]
    [InlineData("V3", 3)]
    [InlineData("v2", 2)]
    public void Xds_version_is_v2_or_v3_defaulting_to_v3(string? text, int expected)
    {
        Assert.Equal((XdsApiVersion)expected, PilotArguments.ParseXdsVersion(text));
    }

    [Fact]
    public void Xds_version_values_match_the_core_enum_numbers()
    {
        // The Pilot adapter casts to MeshClient.Xds.XdsVersion, whose values are V2 = 2 and V3 = 3.
        Assert.Equal(2, (int)XdsApiVersion.V2);
        Assert.Equal(3, (int)XdsApiVersion.V3);
    }

    [Theory]
    [InlineData("default", true)]
    [InlineData("istio-system", true)]
    [InlineData("a1", true)]
    [InlineData("Default", false)]
    [InlineData("-shop", false)]
    [InlineData("shop-", false)]
    [InlineData("shop.prod", false)]
    public void Namespace_must_be_a_kubernetes_name(string value, bool valid)
    {
        var arguments = ParsedArguments.Parse("--namespace=" + value);
        if (valid)
        {
            Assert.Equal(value, PilotArguments.Namespace(arguments));
        }
        else
        {
            Assert.Throws<UsageException>(() => PilotArguments.Namespace(arguments));
        }
    }

    [Fact]
    public void Namespace_defaults_to_default()
    {
        Assert.Equal("default", PilotArguments.Namespace(ParsedArguments.Parse()));
    }
}
