using System.Net;
using System.Net.Sockets;
using MeshClient;
using MeshClient.LoadBalancing;
using MeshClient.Registry;
using MeshClient.Routing;
using MeshClient.Testing;
using MeshClient.Tests.Shared;
using MeshClient.Xds;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MeshClient.Tests.DependencyInjection;

public sealed class AddMeshDiscoveryTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly string _directory = Directory.CreateTempSubdirectory("meshclient-di-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Binds_every_option_from_the_mesh_section()
    {
        using var host = BuildHost(new Dictionary<string, string?>
        {
            ["Mesh:Pilot:Address"] = "grpc://istio-pilot.istio-system:15010",
            ["Mesh:Pilot:XdsVersion"] = "V2",
            ["Mesh:Pilot:InitialSyncTimeout"] = "00:00:03",
            ["Mesh:Namespace"] = "shop",
            ["Mesh:Service:Name"] = "productpage",
            ["Mesh:Service:Tags:version"] = "v1",
            ["Mesh:Routing:DefaultStrategy"] = "LeastRequest",
            ["Mesh:Routing:Strategies:reviews"] = "Random",
            ["Mesh:Retry:OnNext"] = "2",
            ["Mesh:Retry:Backoff"] = "Exponential",
            ["Mesh:OutlierDetection:MaxEjectionPercent"] = "30",
            ["Mesh:Mode"] = "Pilot",
            ["Mesh:Timeout"] = "00:00:05",
            ["Mesh:Pilot:Limits:MaxEndpointsPerCluster"] = "500",
        });

        var options = host.Services.GetRequiredService<IOptions<MeshOptions>>().Value;
        Assert.Equal("grpc://istio-pilot.istio-system:15010", options.Pilot.Address);
        Assert.Equal(XdsVersion.V2, options.Pilot.XdsVersion);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Pilot.InitialSyncTimeout);
        Assert.Equal("shop", options.Namespace);
        Assert.Equal("productpage", options.Service.Name);
        Assert.Equal("v1", options.Service.Tags["version"]);
        Assert.Equal(LoadBalancingStrategy.LeastRequest, options.Routing.DefaultStrategy);
        Assert.Equal(LoadBalancingStrategy.Random, options.Routing.Strategies["reviews"]);
        Assert.Equal(2, options.Retry.OnNext);
        Assert.Equal(MeshRetryBackoff.Exponential, options.Retry.Backoff);
        Assert.Equal(30, options.OutlierDetection.MaxEjectionPercent);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Timeout);

        var xds = options.ToXdsClientOptions();
        Assert.Equal(XdsVersion.V2, xds.Version);
        Assert.Equal("v1", xds.Labels["version"]);
        Assert.Equal("shop", xds.PodNamespace);
        Assert.Equal(500, xds.Limits.MaxEndpointsPerCluster);
        Assert.Equal(XdsResourceLimits.DefaultMaxClusters, xds.Limits.MaxClusters);
    }

    [Theory]
    [InlineData("Mesh:Pilot:Address", "ftp://pilot:15010", "Mesh:Pilot:Address: 'ftp://pilot:15010' is not a grpc://, http://, https:// or unix:// address")]
    [InlineData("Mesh:Pilot:Address", "grpc://pilot", "Mesh:Pilot:Address: 'grpc://pilot' has no port")]
    [InlineData("Mesh:Retry:OnNext", "-1", "Mesh:Retry:OnNext: is -1; it must be at least 0.")]
    [InlineData("Mesh:Retry:OnSame", "11", "Mesh:Retry:OnSame: is 11; it must be at most 10.")]
    [InlineData("Mesh:OutlierDetection:MaxEjectionPercent", "150", "Mesh:OutlierDetection:MaxEjectionPercent: is 150; it must be from 0 to 100.")]
    [InlineData("Mesh:Node:InstanceIp", "not-an-ip", "Mesh:Node:InstanceIp: 'not-an-ip' is not an IP address.")]
    [InlineData("Mesh:Namespace", "Bad_NS", "Mesh:Namespace: 'Bad_NS' is not a Kubernetes namespace name")]
    [InlineData("Mesh:Timeout", "-00:00:01", "Mesh:Timeout: is -00:00:01; it must be positive")]
    [InlineData("Mesh:Pilot:Limits:MaxClusters", "0", "Mesh:Pilot:Limits:MaxClusters: is 0; it must be at least 1.")]
    [InlineData("Mesh:Pilot:ReconnectMaxBackoff", "00:00:00.5", "Mesh:Pilot:ReconnectMaxBackoff: is 00:00:00.5000000; it must be at least Mesh:Pilot:ReconnectInitialBackoff")]
    public async Task A_bad_value_fails_start_up_with_the_key_and_the_reason(string key, string value, string expected)
    {
        using var host = BuildHost(new Dictionary<string, string?> { [key] = value, ["Mesh:Pilot:InitialSyncTimeout"] = "00:00:00" });
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_constant_backoff_longer_than_the_default_maximum_is_valid()
    {
        // BackoffMax only bounds the growing kinds (Jittered, Exponential); Constant waits BackoffMin.
        using var host = BuildHost(new Dictionary<string, string?>
        {
            ["Mesh:Mode"] = "Sidecar",
            ["Mesh:Retry:Backoff"] = "Constant",
            ["Mesh:Retry:BackoffMin"] = "00:00:02",
        });

        await host.StartAsync().WaitAsync(Bound);
        await host.StopAsync().WaitAsync(Bound);
    }

    [Fact]
    public async Task A_malformed_sidecar_call_address_fails_start_up_naming_the_key()
    {
        using var host = BuildHost(new Dictionary<string, string?>
        {
            ["Mesh:Mode"] = "Sidecar",
            ["Mesh:Sidecar:CallAddress"] = ":99999",
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Mesh:Sidecar:CallAddress: ':99999' needs a port from 1 to 65535 after ':'.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Mesh:Pilot:XdsVersion", "v4", "Mesh:Pilot:XdsVersion: 'v4' is not one of V2, V3.")]
    [InlineData("Mesh:Mode", "Ambient", "Mesh:Mode: 'Ambient' is not one of Pilot, Sidecar.")]
    [InlineData("Mesh:Routing:Strategies:reviews", "Fastest", "Mesh:Routing:Strategies:reviews: 'Fastest' is not one of RoundRobin, Random, WeightedResponse, SessionStickiness, LeastRequest.")]
    [InlineData("Mesh:Pilot:ResourceTimeout", "ten seconds", "Mesh:Pilot:ResourceTimeout: 'ten seconds' is not a time span: write 00:00:10, 10s, 500ms or 2m.")]
    [InlineData("Mesh:Retry:OnNext", "two", "Mesh:Retry:OnNext: 'two' is not a whole number.")]
    [InlineData("Mesh:Retry:Enabled", "yes", "Mesh:Retry:Enabled: 'yes' is not true or false.")]
    public async Task A_value_the_binder_cannot_convert_fails_start_up_with_the_key_and_the_accepted_values(string key, string value, string expected)
    {
        using var host = BuildHost(new Dictionary<string, string?> { [key] = value, ["Mesh:Pilot:InitialSyncTimeout"] = "00:00:00" });
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:10", 10_000)]
    [InlineData("10s", 10_000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1.5s", 1_500)]
    public void Time_spans_take_the_dotnet_form_and_the_go_chassis_units(string text, int milliseconds)
    {
        using var host = BuildHost(new Dictionary<string, string?> { ["Mesh:Pilot:ResourceTimeout"] = text, ["Mesh:Timeout"] = text });
        var options = host.Services.GetRequiredService<IOptions<MeshOptions>>().Value;
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), options.Pilot.ResourceTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), options.Timeout);
    }

    [Fact]
    public async Task An_unknown_key_under_mesh_is_a_warning_at_start_naming_the_nearest_known_key()
    {
        var logs = new MeshClient.Tests.Routing.RecordingLogger();
        using var host = BuildHost(
            new Dictionary<string, string?>
            {
                ["Mesh:Mode"] = "Sidecar",
                ["Mesh:Pilot:Adress"] = "grpc://istiod:15010",
                ["Mesh:Completely:Different"] = "x",
                ["Mesh:Service:Tags:anything"] = "fine",
                ["Mesh:Routing:Rules:routeRule:reviews:0:route:0:weight"] = "100",
                ["Mesh:Routing:Rules:routeRule:reviews:0:route:0:tags:version"] = "v1",
            },
            services => services.AddLogging(b => b.AddProvider(new RecordingLoggerProvider(logs))));

        await host.StartAsync().WaitAsync(Bound);
        await host.StopAsync().WaitAsync(Bound);

        var warnings = logs.Entries.Where(e => e.EventId.Id == 5003).Select(e => e.Message).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            ["Mesh:Completely:Different is not a MeshClient option.", "Mesh:Pilot:Adress is not a MeshClient option; did you mean Mesh:Pilot:Address?"],
            warnings);
        Assert.All(logs.Entries.Where(e => e.EventId.Id == 5003), e => Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, e.Level));
    }

    [Fact]
    public async Task A_bad_router_file_fails_start_up_with_file_line_and_column()
    {
        var router = Path.Combine(_directory, "router.yaml");
        await File.WriteAllTextAsync(router, "routeRule:\n  reviews:\n    - precedence: 1\n      route:\n        - {tags: {version: v1}, weight: 80}\n        - {tags: {version: v2}, weight: 30}\n");
        using var host = BuildHost(new Dictionary<string, string?>
        {
            ["Mesh:Mode"] = "Sidecar",
            ["Mesh:Routing:RouterFile"] = router,
        });

        var error = await Assert.ThrowsAsync<MeshConfigurationException>(() => host.StartAsync());
        Assert.StartsWith(router + ":", error.Message, StringComparison.Ordinal);
        Assert.Contains("100", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unclosed_flow_sequence_in_the_router_file_fails_start_up_with_one_positioned_line()
    {
        var router = Path.Combine(_directory, "router.yaml");
        await File.WriteAllTextAsync(router, "routeRule:\n  reviews:\n    - match:\n        headers:\n          user:\n            regex: [jason\n");
        using var host = BuildHost(new Dictionary<string, string?>
        {
            ["Mesh:Mode"] = "Sidecar",
            ["Mesh:Routing:RouterFile"] = router,
        });

        var error = await Assert.ThrowsAsync<MeshConfigurationException>(() => host.StartAsync());
        Assert.Matches($@"^{System.Text.RegularExpressions.Regex.Escape(router)}:\d+:\d+: [^\n]+$", error.Message);
    }

    [Fact]
    public async Task Start_up_does_not_hang_when_pilot_is_down()
    {
        var time = new SignalingTimeProvider();
        using var host = BuildHost(
            new Dictionary<string, string?>
            {
                ["Mesh:Pilot:Address"] = $"grpc://127.0.0.1:{ClosedPort()}",
                ["Mesh:Pilot:InitialSyncTimeout"] = "00:00:10",
            },
            services => services.AddSingleton<TimeProvider>(time));

        var start = host.StartAsync();
        for (var i = 0; i < 200 && !start.IsCompleted; i++)
        {
            await WaitForTimerOrCompletion(time, start);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        await start.WaitAsync(Bound);
        var registry = host.Services.GetRequiredService<MeshRegistry>();
        Assert.False(registry.HasSynced);
        Assert.True(time.GetUtcNow() - new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) >= TimeSpan.FromSeconds(10));
        await host.StopAsync().WaitAsync(Bound);
    }

    [Fact]
    public async Task Start_up_waits_for_the_first_state_from_pilot_and_stop_closes_the_stream()
    {
        await using var pilot = await FakePilot.StartAsync();
        pilot.SetService("reviews", 9080, [new FakeEndpoint("10.1.0.1", 9080)]);
        using var host = BuildHost(new Dictionary<string, string?>
        {
            ["Mesh:Pilot:Address"] = pilot.Address.ToString(),
            ["Mesh:Pilot:InitialSyncTimeout"] = "00:00:20",
        });

        await host.StartAsync().WaitAsync(Bound);
        var registry = host.Services.GetRequiredService<MeshRegistry>();
        Assert.Equal(MeshConnectionState.Synced, registry.ConnectionState);
        Assert.True(registry.Current.TryFindService("reviews:9080", "default", out var reviews));
        Assert.Equal("10.1.0.1", Assert.Single(reviews.AllEndpoints!.Endpoints).Address);

        await host.StopAsync().WaitAsync(Bound);
        await pilot.WaitForConnectionCountAsync(0, Bound);
    }

    [Fact]
    public void Registering_twice_keeps_one_hosted_service()
    {
        var services = new ServiceCollection();
        services.AddMeshDiscovery(o => o.Mode = MeshMode.Sidecar);
        services.AddMeshDiscovery(o => o.Mode = MeshMode.Sidecar);
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
    }

    private static IHost BuildHost(Dictionary<string, string?> settings, Action<IServiceCollection>? extra = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddMeshDiscovery(builder.Configuration.GetSection("Mesh"));
        extra?.Invoke(builder.Services);
        return builder.Build();
    }

    private static int ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static async Task WaitForTimerOrCompletion(SignalingTimeProvider time, Task start)
    {
        var armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(object? sender, EventArgs e) => armed.TrySetResult();
        time.TimerChanged += OnChanged;
        try
        {
            if (time.ArmedTimerCount > 0)
            {
                return;
            }

            await Task.WhenAny(armed.Task, start).WaitAsync(Bound);
        }
        finally
        {
            time.TimerChanged -= OnChanged;
        }
    }
}
