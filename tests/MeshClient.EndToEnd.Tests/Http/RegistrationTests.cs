using MeshClient.EndToEnd.Tests.Xds;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace MeshClient.EndToEnd.Tests.Http;

/// <summary>Wiring mistakes an app can make, and the errors that tell the user what to do.</summary>
public sealed class RegistrationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AddMeshRouting_without_AddMeshDiscovery_fails_when_a_named_client_is_created_naming_the_client_and_AddMeshDiscovery()
    {
        var builder = TestHost.CreateBuilder(new TestOutputLoggerProvider(output), AppContext.BaseDirectory);
        builder.Services.AddHttpClient(MeshScenario.ClientName, c => c.BaseAddress = MeshScenario.ServiceAddress).AddMeshRouting();
        using var host = builder.Build();
        await host.StartAsync().WaitAsync(MeshScenario.Bound);
        var factory = host.Services.GetRequiredService<IHttpClientFactory>();

        var error = Assert.Throws<InvalidOperationException>(() => factory.CreateClient(MeshScenario.ClientName));

        Assert.Contains("HttpClient 'reviews'", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddMeshDiscovery", error.Message, StringComparison.Ordinal);
        await host.StopAsync().WaitAsync(MeshScenario.Bound);
    }

    [Fact]
    public async Task AddMeshRouting_without_AddMeshDiscovery_fails_when_a_typed_client_is_resolved_naming_the_client_and_AddMeshDiscovery()
    {
        var builder = TestHost.CreateBuilder(new TestOutputLoggerProvider(output), AppContext.BaseDirectory);
        builder.Services.AddHttpClient<ReviewsClient>(c => c.BaseAddress = MeshScenario.ServiceAddress).AddMeshRouting();
        using var host = builder.Build();
        await host.StartAsync().WaitAsync(MeshScenario.Bound);

        var error = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<ReviewsClient>());

        Assert.Contains($"HttpClient '{nameof(ReviewsClient)}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddMeshDiscovery", error.Message, StringComparison.Ordinal);
        await host.StopAsync().WaitAsync(MeshScenario.Bound);
    }
}
