// dotnet add package MeshClient.Testing; dotnet add package xunit; dotnet add package Microsoft.Extensions.Hosting
using MeshClient.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

public sealed class ProductPageTests : IAsyncLifetime
{
    private const int BackendPort = 9081;                              // where your test's reviews backend listens

    private FakePilot _pilot = null!;

    public async Task InitializeAsync()
    {
        _pilot = await FakePilot.StartAsync();                         // http://127.0.0.1:<free port>
        _pilot.SetService("reviews.default", 9080,
            [new FakeEndpoint("127.0.0.1", BackendPort) { Labels = new Dictionary<string, string> { ["version"] = "v1" } }],
            [new FakeSubset("v1", new Dictionary<string, string> { ["version"] = "v1" })]);
    }

    public async Task DisposeAsync() => await _pilot.DisposeAsync();

    [Fact]
    public async Task Calls_reach_reviews_v1()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMeshDiscovery(o => o.Pilot.Address = _pilot.Address.ToString());
        builder.Services.AddHttpClient("reviews", c => c.BaseAddress = new Uri("http://reviews:9080")).AddMeshRouting();
        using var host = builder.Build();
        await host.StartAsync();                                       // waits for the first state from FakePilot
        var reviews = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("reviews");
        // ... call reviews (it reaches 127.0.0.1:BackendPort), assert on what the backend saw ...
        await host.StopAsync();
    }
}
