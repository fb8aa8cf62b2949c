using System.Globalization;
using BenchmarkDotNet.Attributes;
using MeshClient.Benchmarks.Http;
using MeshClient.Registry;
using MeshClient.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MeshClient.Benchmarks.Scale;

/// <summary>
/// Issue 12, benchmark 4: cold start at 1,000 services. Each invocation builds and starts a generic host with
/// <c>AddMeshDiscovery</c> (pointed at a FakePilot on loopback serving 1,000 services of 2 pods, both pods on a real
/// Kestrel backend) and an HttpClient with <c>AddMeshRouting</c>, then sends the first call
/// (<c>GET http://svc500.ns0/</c>) through the mesh to the backend. Measured from building the host to the response.
/// The host is stopped after each measurement. (<see cref="Xds.ColdStartBenchmarks"/> measures MeshDiscovery.StartAsync
/// alone at 20 services.)
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ScaleColdStartConfig))]
public class ScaleColdStartBenchmarks
{
    private const int Services = 1_000;
    private FakePilot _pilot = null!;
    private LoopbackBackend _backend = null!;
    private Microsoft.Extensions.Hosting.IHost? _host;

    [GlobalSetup]
    public void Setup()
    {
        _backend = LoopbackBackend.StartAsync(HttpProtocols.Http1, 2).GetAwaiter().GetResult();
        _pilot = FakePilot.StartAsync().GetAwaiter().GetResult();
        for (var s = 0; s < Services; s++)
        {
            var host = string.Create(CultureInfo.InvariantCulture, $"svc{s}.ns{s % 50}.svc.cluster.local");
            _pilot.SetService(host, 80, _backend.Ports.Select(port => new FakeEndpoint("127.0.0.1", port)));
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pilot.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _backend.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [IterationCleanup]
    public void StopHost()
    {
        if (_host is { } host)
        {
            host.StopAsync().GetAwaiter().GetResult();
            host.Dispose();
            _host = null;
        }
    }

    /// <summary>Host build and start (waiting for Pilot's first state) to the first routed response.</summary>
    [Benchmark]
    public async Task<int> HostStartToFirstRoutedCall()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddMeshDiscovery(o =>
        {
            o.Namespace = "default";
            o.Pilot.Address = _pilot.Address.ToString();
            o.Pilot.InitialSyncTimeout = TimeSpan.FromSeconds(60);
        });
        builder.Services.AddHttpClient("mesh").AddMeshRouting();
        _host = builder.Build();
        await _host.StartAsync();
        if (_host.Services.GetRequiredService<MeshRegistry>().ConnectionState != MeshConnectionState.Synced)
        {
            throw new InvalidOperationException("The host started without Pilot's state.");
        }

        var client = _host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("mesh");
        using var response = await client.GetAsync(new Uri("http://svc500.ns0/"));
        response.EnsureSuccessStatusCode();
        return (int)response.StatusCode;
    }
}
