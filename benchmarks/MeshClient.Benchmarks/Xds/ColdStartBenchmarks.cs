using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using MeshClient;
using MeshClient.Registry;
using MeshClient.Testing;

namespace MeshClient.Benchmarks.Xds;

/// <summary>
/// A cold start: <see cref="MeshDiscovery.StartAsync"/> against a FakePilot on loopback until the first complete state
/// (CDS applied, every EDS cluster received). Each invocation opens a new HTTP/2 connection and a new ADS stream; the
/// mesh is disposed after the measurement. FakePilot serves 20 services with 3 pods and 2 subsets each (60 clusters).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 5, iterationCount: 40, invocationCount: 1)]
public class ColdStartBenchmarks
{
    private const int ServiceCount = 20;
    private FakePilot _pilot = null!;
    private MeshDiscovery? _mesh;

    [GlobalSetup]
    public void Setup()
    {
        _pilot = FakePilot.StartAsync().GetAwaiter().GetResult();
        for (var s = 0; s < ServiceCount; s++)
        {
            var service = s;
            var endpoints = Enumerable.Range(1, 3).Select(pod => new FakeEndpoint(string.Create(CultureInfo.InvariantCulture, $"10.1.{service}.{pod}"), 9080)
            {
                Labels = new Dictionary<string, string> { ["version"] = pod == 1 ? "v1" : "v2" },
            });
            _pilot.SetService(
                string.Create(CultureInfo.InvariantCulture, $"svc{s}"),
                9080,
                endpoints,
                [new FakeSubset("v1", new Dictionary<string, string> { ["version"] = "v1" }), new FakeSubset("v2", new Dictionary<string, string> { ["version"] = "v2" })]);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _pilot.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [IterationCleanup]
    public void DisposeMesh()
    {
        _mesh?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _mesh = null;
    }

    /// <summary>From StartAsync to the first complete state.</summary>
    [Benchmark]
    public async Task<int> StartToFirstCompleteState()
    {
        _mesh = await MeshDiscovery.StartAsync(new MeshOptions
        {
            Namespace = "default",
            Pilot = { Address = _pilot.Address.ToString(), InitialSyncTimeout = TimeSpan.FromSeconds(30) },
        });
        if (_mesh.Registry.ConnectionState != MeshConnectionState.Synced)
        {
            throw new InvalidOperationException("MeshDiscovery started without a complete state: " + _mesh.Registry.LastError);
        }

        return _mesh.Registry.Current.Clusters.Count;
    }
}
