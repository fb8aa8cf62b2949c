using System.Text.Json;
using MeshClient.Cli.Distribution;
using MeshClient.Cli.Output;
using MeshClient.Registry;
using MeshClient.Routing;

namespace MeshClient.Cli.Tests.Output;

public sealed class RouteReportTests
{
    private static RouteOutcome Outcome(int rule, string version, string address) =>
        new(rule, rule + 1, new Dictionary<string, string> { ["version"] = version }, false, version, new MeshEndpoint(address, 9080), RouteFailure.None);

    [Theory]
    [InlineData(400, 1000, 16)]
    [InlineData(200, 1000, 8)]
    [InlineData(1000, 1000, 40)]
    [InlineData(1, 1000, 1)]
    [InlineData(0, 1000, 0)]
    [InlineData(1, 3, 13)]
    public void Bar_is_proportional_and_never_hides_a_chosen_subset(int count, int calls, int length)
    {
        Assert.Equal(new string('#', length), RouteReportText.Bar(count, calls));
    }

    [Theory]
    [InlineData(400, 1000, "40.0%")]
    [InlineData(1, 3, "33.3%")]
    [InlineData(2, 3, "66.7%")]
    [InlineData(0, 0, "0.0%")]
    public void Share_has_one_decimal(int count, int calls, string expected)
    {
        Assert.Equal(expected, RouteReportText.Share(count, calls));
    }

    [Fact]
    public void Text_lists_each_rule_when_calls_matched_different_rules()
    {
        var distribution = new RouteDistribution();
        distribution.Add(Outcome(0, "v1", "10.0.0.1"));
        distribution.Add(Outcome(0, "v1", "10.0.0.1"));
        distribution.Add(new RouteOutcome(-1, 0, new Dictionary<string, string>(), false, null, new MeshEndpoint("10.0.0.2", 9080), RouteFailure.None));
        using var writer = new StringWriter();

        RouteReportText.Write(writer, "reviews", distribution);

        var lines = writer.ToString().Split(Environment.NewLine);
        Assert.Equal(["Service: reviews, 3 calls", "Rules:", "  1 (precedence 1): 2 calls", "  no rule matched (every routable endpoint): 1 calls"], lines[..4]);
    }

    [Fact]
    public void Json_rule_is_the_rule_most_calls_matched()
    {
        var distribution = new RouteDistribution();
        distribution.Add(Outcome(1, "v1", "10.0.0.1"));
        distribution.Add(Outcome(0, "v2", "10.0.0.2"));
        distribution.Add(Outcome(0, "v2", "10.0.0.2"));

        using var document = JsonDocument.Parse(RouteReportJson.Write("reviews", distribution));

        Assert.Equal(1, document.RootElement.GetProperty("rule").GetProperty("number").GetInt32());
        Assert.Equal(1, document.RootElement.GetProperty("rule").GetProperty("precedence").GetInt32());
    }

    [Fact]
    public void Json_rule_is_null_when_most_calls_matched_no_rule()
    {
        var distribution = new RouteDistribution();
        distribution.Add(new RouteOutcome(-1, 0, new Dictionary<string, string>(), false, null, new MeshEndpoint("10.0.0.2", 9080), RouteFailure.None));

        Assert.Equal(
            """{"service":"reviews","calls":1,"rule":null,"subsets":[{"tags":{},"count":1}],"endpoints":[{"address":"10.0.0.2","port":9080,"count":1}]}""",
            RouteReportJson.Write("reviews", distribution));
    }

    [Fact]
    public void Text_brackets_ipv6_endpoints()
    {
        var distribution = new RouteDistribution();
        distribution.Add(Outcome(0, "v1", "fd00::1"));
        using var writer = new StringWriter();

        RouteReportText.Write(writer, "reviews", distribution);

        Assert.Contains("[fd00::1]:9080", writer.ToString(), StringComparison.Ordinal);
    }
}
