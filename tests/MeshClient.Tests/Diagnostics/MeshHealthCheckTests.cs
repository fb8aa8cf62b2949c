using MeshClient.Diagnostics;
using MeshClient.Registry;
using MeshClient;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MeshClient.Tests.Diagnostics;

public sealed class MeshHealthCheckTests
{
    [Fact]
    public async Task Unhealthy_when_never_synced()
    {
        var registry = new MeshRegistry();
        registry.SetConnectionState(MeshConnectionState.Connecting, "connection refused");
        var result = await Check(registry);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("connection refused", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthy_when_synced()
    {
        var registry = new MeshRegistry();
        registry.SetConnectionState(MeshConnectionState.Synced);
        Assert.Equal(HealthStatus.Healthy, (await Check(registry)).Status);
    }

    [Theory]
    [InlineData(MeshConnectionState.Stale)]
    [InlineData(MeshConnectionState.Connecting)]
    public async Task Degraded_when_serving_stale_data_after_a_sync(MeshConnectionState state)
    {
        var registry = new MeshRegistry();
        registry.SetConnectionState(MeshConnectionState.Synced);
        registry.SetConnectionState(state, "stream reset");
        var result = await Check(registry);
        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal(state.ToString(), result.Data["state"]);
    }

    [Fact]
    public async Task Healthy_in_sidecar_mode_which_has_no_pilot()
    {
        var registry = new MeshRegistry();
        var result = await new MeshHealthCheck(registry, sidecarMode: true).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Contains("Sidecar mode", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_registered_check_follows_the_mode()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddMeshDiscovery(o => o.Mode = MeshMode.Sidecar);
        services.AddHealthChecks().AddMeshDiscoveryCheck();
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Healthy, report.Entries["mesh-discovery"].Status);
    }

    private static Task<HealthCheckResult> Check(MeshRegistry registry) =>
        new MeshHealthCheck(registry).CheckHealthAsync(new HealthCheckContext());
}
