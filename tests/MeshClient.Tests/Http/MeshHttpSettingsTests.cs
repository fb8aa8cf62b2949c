using MeshClient;
using MeshClient.Http;
using MeshClient.Registry;
using MeshClient.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MeshClient.Tests.Http;

/// <summary>
/// Option validation of the handlers (the console path): <see cref="MeshHttpHandler"/>'s factories run the one
/// validator, so a bad value names its key and the reason in the start-up form; the settings only map.
/// </summary>
public sealed class MeshHttpSettingsTests
{
    public static TheoryData<Action<MeshOptions>, string> BadOptions() => new()
    {
        { o => o.Retry.OnSame = -1, "Mesh:Retry:OnSame: is -1; it must be at least 0." },
        { o => o.Retry.OnNext = -2, "Mesh:Retry:OnNext: is -2; it must be at least 0." },
        { o => o.Retry.Backoff = (MeshRetryBackoff)9, "Mesh:Retry:Backoff: '9' is not Zero, Constant, Jittered or Exponential." },
        { o => o.Retry.BackoffMin = TimeSpan.FromSeconds(-1), "Mesh:Retry:BackoffMin: is -00:00:01; it must not be negative." },
        { o => { o.Retry.Backoff = MeshRetryBackoff.Jittered; o.Retry.BackoffMax = TimeSpan.FromMilliseconds(1); }, "Mesh:Retry:BackoffMax: is 00:00:00.0010000; it must be at least Mesh:Retry:BackoffMin" },
        { o => o.Timeout = TimeSpan.Zero, "Mesh:Timeout: is 00:00:00; it must be positive" },
        { o => o.Timeout = TimeSpan.FromDays(100), "Mesh:Timeout: is 100.00:00:00; it must be at most 49.17:02:47.2940000" },
        { o => o.OutlierDetection.ConsecutiveFailures = 0, "Mesh:OutlierDetection:ConsecutiveFailures: is 0; it must be at least 1." },
        { o => o.OutlierDetection.BaseEjectionTime = TimeSpan.Zero, "Mesh:OutlierDetection:BaseEjectionTime: is 00:00:00; it must be positive." },
        { o => o.OutlierDetection.MaxEjectionTime = TimeSpan.FromSeconds(1), "Mesh:OutlierDetection:MaxEjectionTime: is 00:00:01; it must be at least Mesh:OutlierDetection:BaseEjectionTime (00:00:30)." },
        { o => o.OutlierDetection.MaxEjectionPercent = 101, "Mesh:OutlierDetection:MaxEjectionPercent: is 101; it must be from 0 to 100." },
        { o => o.Routing.UnknownHost = (UnknownHostBehavior)7, "Mesh:Routing:UnknownHost: '7' is not PassThrough or Fail." },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Bad_value_names_its_key(Action<MeshOptions> configure, string expected)
    {
        var options = new MeshOptions { Mode = MeshMode.Sidecar };
        configure(options);

        var error = Assert.Throws<ArgumentException>(() => MeshHttpHandler.CreateSidecar(options));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_entry_point_reports_a_bad_value_in_the_one_form()
    {
        const string Expected = "Mesh:Retry:OnNext: is 11; it must be at most 10.";
        static void Bad(MeshOptions o) => o.Retry.OnNext = 11;
        var pilot = new MeshOptions();
        Bad(pilot);
        var sidecar = new MeshOptions { Mode = MeshMode.Sidecar };
        Bad(sidecar);
        var services = new ServiceCollection();
        services.AddMeshDiscovery(Bad);
        await using var provider = services.BuildServiceProvider();

        var handler = Assert.Throws<ArgumentException>(() => MeshHttpHandler.Create(new MeshRouter(new MeshRegistry()), pilot));
        var sidecarHandler = Assert.Throws<ArgumentException>(() => MeshHttpHandler.CreateSidecar(sidecar));
        var console = await Assert.ThrowsAsync<ArgumentException>(() => MeshDiscovery.StartAsync(pilot));
        var startUp = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<MeshOptions>>().Value);

        Assert.StartsWith(Expected, handler.Message, StringComparison.Ordinal);
        Assert.StartsWith(Expected, sidecarHandler.Message, StringComparison.Ordinal);
        Assert.StartsWith(Expected, console.Message, StringComparison.Ordinal);
        Assert.Equal(Expected, Assert.Single(startUp.Failures));
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
