using MeshClient.Registry;
using MeshClient.Routing;
using MeshClient.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MeshClient.Tests.DependencyInjection;

/// <summary>Everything AddMeshDiscovery registers disposes synchronously too.</summary>
public sealed class SynchronousDisposeTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_plain_service_provider_in_a_using_statement_disposes_every_registration_and_closes_the_stream()
    {
        await using var pilot = await FakePilot.StartAsync();
        pilot.SetService("reviews", 9080, [new FakeEndpoint("10.1.0.1", 9080)]);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Mesh:Pilot:Address"] = pilot.Address.ToString() })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMeshDiscovery(configuration.GetSection("Mesh"));

        using (var sp = services.BuildServiceProvider())
        {
            // Resolve every registration, so each one the container built is disposed by it.
            foreach (var descriptor in services.Where(d => !d.ServiceType.IsGenericTypeDefinition))
            {
                _ = sp.GetServices(descriptor.ServiceType).ToList();
            }

            foreach (var hosted in sp.GetServices<IHostedService>())
            {
                await hosted.StartAsync(CancellationToken.None).WaitAsync(Bound);
            }

            await sp.GetRequiredService<MeshRegistry>().WaitForFirstSyncAsync().WaitAsync(Bound);
            Assert.NotNull(sp.GetRequiredService<MeshRouter>());
            await pilot.WaitForConnectionCountAsync(1, Bound);
        }

        // The synchronous Dispose above did not throw, and it closed the ADS stream.
        await pilot.WaitForConnectionCountAsync(0, Bound);
    }

    [Fact]
    public void A_service_provider_that_never_started_disposes_synchronously()
    {
        var services = new ServiceCollection();
        services.AddMeshDiscovery(o => o.Mode = MeshClient.MeshMode.Sidecar);
        using var sp = services.BuildServiceProvider();
        _ = sp.GetServices<IHostedService>().ToList();
        Assert.NotNull(sp.GetRequiredService<MeshRegistry>());
    }
}
