using MeshClient.Xds;

namespace MeshClient.Tests.Xds.Protocol;

public sealed class XdsClientOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_match_the_spec()
    {
        var options = new XdsClientOptions();

        Assert.Empty(options.Validate());
        Assert.Equal(XdsVersion.V3, options.Version);
        Assert.Equal("Kubernetes", options.ClusterId);
        Assert.Equal("svc.cluster.local", options.DnsDomain);
        Assert.Equal(TimeSpan.FromSeconds(15), options.ResourceDoesNotExistTimeout);
        Assert.Equal(TimeSpan.FromSeconds(1), options.ReconnectInitialDelay);
        Assert.Equal(1.6, options.ReconnectMultiplier);
        Assert.Equal(TimeSpan.FromSeconds(30), options.ReconnectMaxDelay);
        Assert.Equal(0.2, options.ReconnectJitter);
    }

    // XdsClientOptions is internal: the theory takes the option's name and looks up how to break it.
    private static readonly Dictionary<string, Action<XdsClientOptions>> Breakers = new(StringComparer.Ordinal)
    {
        { "Version", o => o.Version = (XdsVersion)1 },
        { "PodName", o => o.PodName = "a~b" },
        { "PodNamespace", o => o.PodNamespace = " " },
        { "InstanceIp", o => o.InstanceIp = "not-an-ip" },
        { "ClusterId", o => o.ClusterId = string.Empty },
        { "IstioVersion", o => o.IstioVersion = string.Empty },
        { "Labels", o => o.Labels = new Dictionary<string, string> { [string.Empty] = "x" } },
        { "DnsDomain", o => o.DnsDomain = ".svc.cluster.local" },
        { "ResourceDoesNotExistTimeout", o => o.ResourceDoesNotExistTimeout = TimeSpan.Zero },
        { "ReconnectInitialDelay", o => o.ReconnectInitialDelay = TimeSpan.FromSeconds(-1) },
        { "ReconnectMultiplier", o => o.ReconnectMultiplier = 0.5 },
        { "ReconnectMaxDelay", o => o.ReconnectMaxDelay = TimeSpan.FromMilliseconds(500) },
        { "ReconnectJitter", o => o.ReconnectJitter = 1 },
    };

    public static TheoryData<string> InvalidOptions => new(Breakers.Keys);

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Each_invalid_option_is_reported_by_name(string name)
    {
        var options = new XdsClientOptions();
        Breakers[name](options);

        var error = Assert.Single(options.Validate());
        Assert.StartsWith(name, error, StringComparison.Ordinal);
        var thrown = Assert.Throws<ArgumentException>(options.ThrowIfInvalid);
        Assert.Contains(error, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_infinite_does_not_exist_timeout_turns_the_report_off_and_is_valid()
    {
        var options = new XdsClientOptions { ResourceDoesNotExistTimeout = Timeout.InfiniteTimeSpan };

        Assert.Empty(options.Validate());
    }
}
