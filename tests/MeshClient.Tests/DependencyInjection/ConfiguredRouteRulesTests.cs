using MeshClient.Registry;
using MeshClient.Routing;
using MeshClient.Tests.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MeshClient.Tests.DependencyInjection;

/// <summary>Route rules in the <c>Mesh:Routing:Rules</c> configuration section: loaded at start, reloaded on change.</summary>
public sealed class ConfiguredRouteRulesTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Rules_in_configuration_route_and_follow_a_configuration_reload_keeping_the_last_good_ones()
    {
        var (host, configuration) = BuildHost(new Dictionary<string, string?>
        {
            ["Mesh:Routing:Rules:routeRule:targetService:0:route:0:tags:version"] = "v3",
            ["Mesh:Routing:Rules:routeRule:targetService:0:route:0:weight"] = "100",
        });
        using var _ = host;
        await host.StartAsync().WaitAsync(Bound);
        var router = host.Services.GetRequiredService<MeshRouter>();
        Assert.Equal("v3", router.Route(new RouteRequest("targetService")).Subset);

        var memory = configuration.Providers.OfType<MemoryConfigurationProvider>().Last();
        memory.Set("Mesh:Routing:Rules:routeRule:targetService:0:route:0:tags:version", "v1");
        configuration.Reload();
        Assert.Equal("v1", router.Route(new RouteRequest("targetService")).Subset);

        var good = router.Rules;
        memory.Set("Mesh:Routing:Rules:routeRule:targetService:0:route:0:weight", "101");
        configuration.Reload();
        Assert.Same(good, router.Rules);
        Assert.Equal("v1", router.Route(new RouteRequest("targetService")).Subset);

        await host.StopAsync().WaitAsync(Bound);
    }

    [Fact]
    public async Task A_bad_rule_in_configuration_fails_start_up_naming_its_key()
    {
        var (host, _) = BuildHost(new Dictionary<string, string?>
        {
            ["Mesh:Routing:Rules:routeRule:targetService:0:route:0:tags:version"] = "v3",
            ["Mesh:Routing:Rules:routeRule:targetService:0:route:0:weight"] = "heavy",
        });
        using var _ = host;

        var error = await Assert.ThrowsAsync<MeshConfigurationException>(() => host.StartAsync());

        Assert.StartsWith("Mesh:Routing:Rules:routeRule:targetService:0:route:0:weight: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rules_in_both_configuration_and_a_router_file_fail_start_up()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, MeshFixtures.SeedRouterYaml);
            var (host, _) = BuildHost(new Dictionary<string, string?>
            {
                ["Mesh:Routing:RouterFile"] = file,
                ["Mesh:Routing:Rules:routeRule:targetService:0:route:0:tags:version"] = "v3",
            });
            using var _ = host;

            var error = await Assert.ThrowsAsync<MeshConfigurationException>(() => host.StartAsync());

            Assert.Equal($"Mesh:Routing:Rules: route rules are given both here and in the file {file} (Routing:RouterFile); use one of them", error.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static (IHost Host, IConfigurationRoot Configuration) BuildHost(Dictionary<string, string?> settings)
    {
        // Sidecar mode opens no ADS stream; the registry is the seed's, registered before AddMeshDiscovery.
        var destinationRules = Path.Combine(Path.GetTempPath(), $"meshclient-dr-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(destinationRules, MeshFixtures.SeedDestinationRuleYaml);
        settings["Mesh:Mode"] = "Sidecar";
        settings["Mesh:Namespace"] = "default";
        settings["Mesh:Routing:DestinationRuleFiles:0"] = destinationRules;
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(new MeshRegistry(MeshFixtures.SeedSnapshot()));
        builder.Services.AddMeshDiscovery(builder.Configuration.GetSection("Mesh"));
        return (builder.Build(), builder.Configuration);
    }
}
