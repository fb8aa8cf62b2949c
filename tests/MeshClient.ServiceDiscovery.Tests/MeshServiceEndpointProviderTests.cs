using MeshClient.Registry;
using MeshClient.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.ServiceDiscovery;

namespace MeshClient.ServiceDiscovery.Tests;

public sealed class MeshServiceEndpointProviderTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private FakePilot _pilot = null!;

    public async Task InitializeAsync() => _pilot = await FakePilot.StartAsync();

    public async Task DisposeAsync() => await _pilot.DisposeAsync();

    /// <summary>
    /// An app as a user writes it: AddMeshDiscovery connects to (fake) Pilot over real gRPC, AddServiceDiscovery with
    /// the mesh provider; polling is pushed out of reach (an hour), so only change tokens can refresh.
    /// </summary>
    private async Task<IHost> StartAppAsync(Dictionary<string, string?>? more = null, Action<IServiceCollection>? extra = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mesh:Pilot:Address"] = _pilot.Address.ToString(),
            ["Mesh:Pilot:InitialSyncTimeout"] = "00:00:20",
        });
        builder.Configuration.AddInMemoryCollection(more ?? []);
        builder.Services.AddMeshDiscovery(builder.Configuration.GetSection("Mesh"));
        builder.Services.AddServiceDiscovery(o => o.RefreshPeriod = TimeSpan.FromHours(1)).AddMeshServiceEndpointProvider();
        extra?.Invoke(builder.Services);
        var host = builder.Build();
        await host.StartAsync().WaitAsync(Bound);
        return host;
    }

    private static async Task<string[]> ResolveAsync(IHost host, string serviceName)
    {
        var resolver = host.Services.GetRequiredService<ServiceEndpointResolver>();
        var source = await resolver.GetEndpointsAsync(serviceName, CancellationToken.None).AsTask().WaitAsync(Bound);
        return [.. source.Endpoints.Select(e => e.EndPoint.ToString()!).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Resolves until the endpoints are <paramref name="expected"/>, waiting between tries for the resolved set's change
    /// token; with polling an hour away, only a change token fired by a push can bring a new answer.
    /// </summary>
    private static async Task ResolvesToAsync(IHost host, string serviceName, params string[] expected)
    {
        var resolver = host.Services.GetRequiredService<ServiceEndpointResolver>();
        using var bound = new CancellationTokenSource(Bound);
        string[] resolved = [];
        try
        {
            while (true)
            {
                var source = await resolver.GetEndpointsAsync(serviceName, bound.Token);
                resolved = [.. source.Endpoints.Select(e => e.EndPoint.ToString()!).Order(StringComparer.Ordinal)];
                if (resolved.SequenceEqual(expected))
                {
                    return;
                }

                var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using var registration = source.ChangeToken.RegisterChangeCallback(_ => changed.TrySetResult(), null);
                await changed.Task.WaitAsync(bound.Token);
            }
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            Assert.Fail($"'{serviceName}' still resolves to [{string.Join(", ", resolved)}], not [{string.Join(", ", expected)}], after {Bound.TotalSeconds} s");
        }
    }

    [Fact]
    public async Task Service_names_resolve_to_the_routable_endpoints_pilot_names()
    {
        _pilot.SetService("reviews", 9080, [
            new FakeEndpoint("10.1.0.1", 9080),
            new FakeEndpoint("10.1.0.2", 9080),
            new FakeEndpoint("10.1.0.3", 9080) { Health = EndpointHealth.Draining },
            new FakeEndpoint("fd00::4", 9080),
        ]);
        using var host = await StartAppAsync();

        Assert.Equal(["http://10.1.0.1:9080/", "http://10.1.0.2:9080/", "http://[fd00::4]:9080/"], await ResolveAsync(host, "http://reviews"));
        Assert.Equal(["https://10.1.0.1:9080/", "https://10.1.0.2:9080/", "https://[fd00::4]:9080/"], await ResolveAsync(host, "https://reviews"));
        Assert.Equal(["http://10.1.0.1:9080/", "http://10.1.0.2:9080/", "http://[fd00::4]:9080/"], await ResolveAsync(host, "https+http://reviews"));
        Assert.Equal(["http://10.1.0.1:9080/", "http://10.1.0.2:9080/", "http://[fd00::4]:9080/"], await ResolveAsync(host, "http://reviews.default.svc.cluster.local"));
        await host.StopAsync().WaitAsync(Bound);
    }

    [Fact]
    public async Task A_push_adding_a_pod_changes_the_resolved_set_without_polling()
    {
        _pilot.SetService("reviews", 9080, [new FakeEndpoint("10.1.0.1", 9080)]);
        using var host = await StartAppAsync();
        Assert.Equal(["http://10.1.0.1:9080/"], await ResolveAsync(host, "http://reviews"));

        _pilot.SetService("reviews", 9080, [new FakeEndpoint("10.1.0.1", 9080), new FakeEndpoint("10.1.0.2", 9080)]);

        await ResolvesToAsync(host, "http://reviews", "http://10.1.0.1:9080/", "http://10.1.0.2:9080/");
        await host.StopAsync().WaitAsync(Bound);
    }

    [Fact]
    public async Task A_push_removing_a_pod_and_then_the_service_follows_pilot()
    {
        _pilot.SetService("reviews", 9080, [new FakeEndpoint("10.1.0.1", 9080), new FakeEndpoint("10.1.0.2", 9080)]);
        using var host = await StartAppAsync();
        Assert.Equal(["http://10.1.0.1:9080/", "http://10.1.0.2:9080/"], await ResolveAsync(host, "http://reviews"));

        _pilot.SetService("reviews", 9080, [new FakeEndpoint("10.1.0.1", 9080)]);
        await ResolvesToAsync(host, "http://reviews", "http://10.1.0.1:9080/");

        // Once Pilot no longer names the service, the pass-through provider answers with the name itself (DNS).
        _pilot.RemoveService("reviews", 9080);
        await ResolvesToAsync(host, "http://reviews", "Unspecified/reviews:80");
        await host.StopAsync().WaitAsync(Bound);
    }

    [Fact]
    public async Task A_service_pilot_names_later_is_picked_up_by_its_push()
    {
        using var host = await StartAppAsync();
        Assert.Equal(["Unspecified/ratings:80"], await ResolveAsync(host, "http://ratings"));

        _pilot.SetService("ratings", 9080, [new FakeEndpoint("10.2.0.1", 9080)]);

        await ResolvesToAsync(host, "http://ratings", "http://10.2.0.1:9080/");
        await host.StopAsync().WaitAsync(Bound);
    }

    [Fact]
    public async Task Several_ports_need_the_port_as_endpoint_name_and_configuration_wins()
    {
        _pilot.SetService("reviews", 9080, [new FakeEndpoint("10.1.0.1", 9080)]);
        _pilot.SetService("reviews", 9090, [new FakeEndpoint("10.1.0.1", 9090)]);
        _pilot.SetService("details", 9080, [new FakeEndpoint("10.3.0.1", 9080)]);
        using var host = await StartAppAsync(new Dictionary<string, string?> { ["Services:details:http:0"] = "http://10.9.9.9:80" });
        Assert.Equal(["http://10.3.0.1:9080/"], await ResolveAsync(host, "http://details.default.svc.cluster.local"));

        Assert.Equal(["http://10.1.0.1:9090/"], await ResolveAsync(host, "http://_9090.reviews"));
        Assert.Equal(["Unspecified/reviews:80"], await ResolveAsync(host, "http://reviews"));
        Assert.Equal(["http://10.9.9.9/"], await ResolveAsync(host, "http://details"));
        await host.StopAsync().WaitAsync(Bound);
    }

    [Fact]
    public async Task Bare_names_resolve_in_the_mesh_namespace()
    {
        _pilot.SetService("reviews.shop", 9080, [new FakeEndpoint("10.4.0.1", 9080)]);
        _pilot.SetService("reviews.default", 9080, [new FakeEndpoint("10.1.0.1", 9080)]);
        using var host = await StartAppAsync(new Dictionary<string, string?> { ["Mesh:Namespace"] = "shop" });

        Assert.Equal(["http://10.4.0.1:9080/"], await ResolveAsync(host, "http://reviews"));
        Assert.Equal(["http://10.1.0.1:9080/"], await ResolveAsync(host, "http://reviews.default"));
        await host.StopAsync().WaitAsync(Bound);
    }

    [Fact]
    public async Task A_push_that_leaves_the_endpoints_as_they_are_does_not_refresh()
    {
        _pilot.SetService("reviews", 9080, [new FakeEndpoint("10.1.0.1", 9080)]);
        using var host = await StartAppAsync();
        var source = await host.Services.GetRequiredService<ServiceEndpointResolver>().GetEndpointsAsync("http://reviews", CancellationToken.None).AsTask().WaitAsync(Bound);
        var registry = host.Services.GetRequiredService<MeshRegistry>();
        var ratingsArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        registry.Changed += (_, e) =>
        {
            if (e.Current.TryFindService("ratings", 9080, "default", out var ratings) && ratings.AllEndpoints!.Endpoints.Length == 1)
            {
                ratingsArrived.TrySetResult();
            }
        };

        _pilot.SetService("ratings", 9080, [new FakeEndpoint("10.2.0.1", 9080)]);
        await ratingsArrived.Task.WaitAsync(Bound);

        Assert.False(source.ChangeToken.HasChanged);
        _pilot.SetService("reviews", 9080, [new FakeEndpoint("10.1.0.9", 9080)]);
        await ResolvesToAsync(host, "http://reviews", "http://10.1.0.9:9080/");
        Assert.True(source.ChangeToken.HasChanged);
        await host.StopAsync().WaitAsync(Bound);
    }

    [Fact]
    public void Registering_twice_registers_one_provider()
    {
        var services = new ServiceCollection();
        services.AddServiceDiscovery().AddMeshServiceEndpointProvider().AddMeshServiceEndpointProvider();

        Assert.Single(services, d => d.ServiceType == typeof(IServiceEndpointProviderFactory) && d.ImplementationType == typeof(MeshServiceEndpointProviderFactory));
    }

    [Fact]
    public async Task An_http_client_with_service_discovery_reaches_the_pods_pilot_names()
    {
        await using var first = await PodBackend.StartAsync("pod-1");
        await using var second = await PodBackend.StartAsync("pod-2");
        _pilot.SetService("reviews", 9080, [new FakeEndpoint("127.0.0.1", first.Port)]);
        using var host = await StartAppAsync(extra: services => services.AddHttpClient("reviews", c => c.BaseAddress = new Uri("http://reviews")).AddServiceDiscovery());
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("reviews");

        Assert.Equal("pod-1", await client.GetStringAsync("/").WaitAsync(Bound));

        _pilot.SetService("reviews", 9080, [new FakeEndpoint("127.0.0.1", second.Port)]);
        await ResolvesToAsync(host, "http://reviews", $"http://127.0.0.1:{second.Port}/");

        Assert.Equal("pod-2", await client.GetStringAsync("/").WaitAsync(Bound));
        await host.StopAsync().WaitAsync(Bound);
    }
}
