using MeshClient;
using MeshClient.Registry;
using MeshClient.Routing;
using MeshClient.Testing;
using MeshClient.Tests.Http;

namespace MeshClient.Tests;

public sealed class MeshDiscoveryTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly string _directory = Directory.CreateTempSubdirectory("meshclient-console-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_console_app_syncs_with_pilot_and_routes_by_its_router_file()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var v2 = await TestBackend.StartAsync("v2");
        await using var pilot = await FakePilot.StartAsync();
        pilot.SetService(
            "reviews.default",
            9080,
            [
                new FakeEndpoint("127.0.0.1", v1.Port) { Labels = new Dictionary<string, string> { ["version"] = "v1" } },
                new FakeEndpoint("127.0.0.1", v2.Port) { Labels = new Dictionary<string, string> { ["version"] = "v2" } },
            ],
            [
                new FakeSubset("v1", new Dictionary<string, string> { ["version"] = "v1" }),
                new FakeSubset("v2", new Dictionary<string, string> { ["version"] = "v2" }),
            ]);
        var router = Path.Combine(_directory, "router.yaml");
        await File.WriteAllTextAsync(router, "routeRule:\n  reviews:\n    - precedence: 1\n      route:\n        - {tags: {version: v2}, weight: 100}\n");

        await using var mesh = await MeshDiscovery.StartAsync(new MeshOptions
        {
            Namespace = "default",
            Pilot = { Address = pilot.Address.ToString(), InitialSyncTimeout = Bound },
            Routing = { RouterFile = router },
        }).WaitAsync(Bound);

        Assert.Equal(MeshConnectionState.Synced, mesh.Registry.ConnectionState);
        using var client = new HttpClient(mesh.CreateHandler()) { BaseAddress = new Uri("http://reviews:9080") };
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("v2", await client.GetStringAsync(new Uri("/reviews/1", UriKind.Relative)).WaitAsync(Bound));
        }

        Assert.Equal(0, v1.Count);
        Assert.Equal(4, v2.Count);
    }

    [Fact]
    public async Task Disposing_closes_the_stream_and_retires_the_handler_factory()
    {
        await using var pilot = await FakePilot.StartAsync();
        pilot.SetService("reviews", 9080, [new FakeEndpoint("10.1.0.1", 9080)]);
        var mesh = await MeshDiscovery.StartAsync(new MeshOptions { Pilot = { Address = pilot.Address.ToString(), InitialSyncTimeout = Bound } }).WaitAsync(Bound);
        Assert.True(mesh.Registry.Current.TryFindService("reviews:9080", "default", out _));
        Assert.Equal(1, pilot.ConnectedStreamCount);

        await mesh.DisposeAsync().AsTask().WaitAsync(Bound);

        await pilot.WaitForConnectionCountAsync(0, Bound);
        Assert.Throws<ObjectDisposedException>(() => mesh.CreateHandler());
    }

    [Fact]
    public async Task A_zero_initial_sync_timeout_starts_without_waiting_and_the_registry_syncs_later()
    {
        await using var pilot = await FakePilot.StartAsync();
        pilot.SetService("reviews", 9080, [new FakeEndpoint("10.1.0.1", 9080)]);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pilot.ResponseGate = (_, ct) => gate.Task.WaitAsync(ct);

        await using var mesh = await MeshDiscovery.StartAsync(new MeshOptions { Pilot = { Address = pilot.Address.ToString(), InitialSyncTimeout = TimeSpan.Zero } }).WaitAsync(Bound);
        await pilot.WaitForRequestAsync(_ => true, Bound);
        Assert.False(mesh.Registry.HasSynced);

        gate.SetResult();
        await mesh.Registry.WaitForFirstSyncAsync().WaitAsync(Bound);
        Assert.True(mesh.Registry.Current.TryFindService("reviews:9080", "default", out _));
    }

    [Fact]
    public async Task A_bad_option_fails_with_the_key_and_the_reason()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => MeshDiscovery.StartAsync(new MeshOptions
        {
            Pilot = { Address = "grpc://pilot" },
            Retry = { OnNext = -1 },
        }));

        Assert.Contains("Mesh:Pilot:Address: 'grpc://pilot' has no port", error.Message, StringComparison.Ordinal);
        Assert.Contains("Mesh:Retry:OnNext: is -1; it must be at least 0.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_sidecar_call_address_fails_with_the_key()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => MeshDiscovery.StartAsync(new MeshOptions
        {
            Mode = MeshMode.Sidecar,
            Sidecar = { CallAddress = ":http" },
        }));

        Assert.StartsWith("Mesh:Sidecar:CallAddress: ':http' needs a port from 1 to 65535 after ':'.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_router_file_fails_with_file_line_and_column()
    {
        var router = Path.Combine(_directory, "router.yaml");
        await File.WriteAllTextAsync(router, "routeRule:\n  reviews:\n    - route:\n        - {tags: {version: v1}, weight: 120}\n");

        var error = await Assert.ThrowsAsync<MeshConfigurationException>(() => MeshDiscovery.StartAsync(new MeshOptions
        {
            Mode = MeshMode.Sidecar,
            Routing = { RouterFile = router },
        }));

        Assert.Equal($"{router}:4:41: weight must be from 0 to 100, got 120", error.Message);
    }

    [Fact]
    public async Task Sidecar_mode_rewrites_the_address_by_the_go_micro_rule()
    {
        await using var mesh = await MeshDiscovery.StartAsync(new MeshOptions
        {
            Mode = MeshMode.Sidecar,
            Service = { Name = "go.micro.web.caller" },
            Sidecar = { CallAddress = ":9080" },
        }).WaitAsync(Bound);
        var recorder = new RecordingHandler();
        using var client = new HttpClient(mesh.CreateHandler(recorder));

        using var response = await client.GetAsync(new Uri("http://go.micro.api.sample/hello")).WaitAsync(Bound);

        Assert.Equal(new Uri("http://go-micro-api-sample:9080/hello"), Assert.Single(recorder.Uris));
    }
}
