using MeshClient;
using MeshClient.Http;

namespace MeshClient.Tests.Http;

/// <summary>Option validation of the handlers: a bad value names its key and the reason.</summary>
public sealed class MeshHttpSettingsTests
{
    public static TheoryData<Action<MeshOptions>, string> BadOptions() => new()
    {
        { o => o.Retry.OnSame = -1, "Mesh:Retry:OnSame is -1" },
        { o => o.Retry.OnNext = -2, "Mesh:Retry:OnNext is -2" },
        { o => o.Retry.Backoff = (MeshRetryBackoff)9, "Mesh:Retry:Backoff is 9" },
        { o => o.Retry.BackoffMin = TimeSpan.FromSeconds(-1), "Mesh:Retry:BackoffMin" },
        { o => { o.Retry.Backoff = MeshRetryBackoff.Jittered; o.Retry.BackoffMax = TimeSpan.FromMilliseconds(1); }, "Mesh:Retry:BackoffMax" },
        { o => o.Timeout = TimeSpan.Zero, "Mesh:Timeout is 00:00:00" },
        { o => o.Timeout = TimeSpan.FromDays(100), "Mesh:Timeout" },
        { o => o.OutlierDetection.ConsecutiveFailures = 0, "Mesh:OutlierDetection:ConsecutiveFailures is 0" },
        { o => o.OutlierDetection.BaseEjectionTime = TimeSpan.Zero, "Mesh:OutlierDetection:BaseEjectionTime" },
        { o => o.OutlierDetection.MaxEjectionTime = TimeSpan.FromSeconds(1), "Mesh:OutlierDetection:MaxEjectionTime" },
        { o => o.OutlierDetection.MaxEjectionPercent = 101, "Mesh:OutlierDetection:MaxEjectionPercent is 101" },
        { o => o.Routing.UnknownHost = (UnknownHostBehavior)7, "Mesh:Routing:UnknownHost is 7" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Bad_value_names_its_key(Action<MeshOptions> configure, string expected)
    {
        var options = new MeshOptions();
        configure(options);

        var error = Assert.Throws<ArgumentException>(() => MeshHttpSettings.FromOptions(options));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_are_go_chassis_like()
    {
        var settings = MeshHttpSettings.FromOptions(new MeshOptions());

        Assert.True(settings.Retry.Enabled);
        Assert.Equal(0, settings.Retry.OnSame);
        Assert.Equal(1, settings.Retry.OnNext);
        Assert.Equal(1, settings.Retry.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.Timeout);
        Assert.True(settings.PreserveHostHeader);
        Assert.Equal(UnknownHostBehavior.PassThrough, settings.UnknownHost);
        Assert.Equal(5, settings.OutlierDetection!.ConsecutiveFailures);
        Assert.Equal(50, settings.OutlierDetection.MaxEjectionPercent);
        Assert.Null(settings.SourceService);
        Assert.Null(settings.SourceTags);
    }

    [Fact]
    public void Disabled_parts_read_as_none()
    {
        var settings = MeshHttpSettings.FromOptions(new MeshOptions
        {
            Retry = { Enabled = false, OnSame = 2, OnNext = 2 },
            OutlierDetection = { Enabled = false },
            Timeout = null,
        });

        Assert.Equal(0, settings.Retry.MaxRetryAttempts);
        Assert.Null(settings.OutlierDetection);
        Assert.Null(settings.Timeout);
    }

    [Fact]
    public void Sidecar_namespace_is_appended_only_when_asked_and_defaults_to_the_options_namespace()
    {
        Assert.Null(MeshHttpSettings.FromOptions(new MeshOptions { Namespace = "prod" }).SidecarNamespace);
        Assert.Equal("prod", MeshHttpSettings.FromOptions(new MeshOptions { Namespace = "prod", Sidecar = { AppendNamespace = true } }).SidecarNamespace);
    }
}
