using System.Globalization;
using BenchmarkDotNet.Attributes;
using MeshClient.Registry;

namespace MeshClient.Benchmarks.Scale;

/// <summary>
/// Issue 12, benchmark 1: a full state of 10,000 clusters x 10 endpoints, applied from the encoded CDS and EDS
/// DiscoveryResponses through the real decode and apply path (<see cref="ScaleClient"/>). Time and allocation per
/// full apply; the managed memory the applied state retains per endpoint is measured once in the global setup
/// (<c>GC.GetTotalMemory(true)</c> before and after, the encoded responses held on both sides) and printed as
/// <c>// retained bytes per endpoint: N</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ScaleApplyConfig))]
public class ScaleApplyBenchmarks
{
    private const int Services = 10_000;
    private byte[] _clusters = [];
    private byte[] _endpoints = [];

    [GlobalSetup]
    public void Setup()
    {
        _clusters = ScaleMesh.Clusters(Services);
        _endpoints = ScaleMesh.Endpoints(Enumerable.Range(0, Services));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// encoded CDS {_clusters.Length} bytes, EDS {_endpoints.Length} bytes"));
        MeasureRetained();
    }

    /// <summary>CDS then EDS of the whole mesh into a new client, until the snapshot holds every endpoint.</summary>
    [Benchmark]
    public int ApplyFullState()
    {
        var client = new ScaleClient();
        client.Apply(_clusters);
        client.Apply(_endpoints);
        return Check(client.Registry);
    }

    private void MeasureRetained()
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var client = new ScaleClient();
        client.Apply(_clusters);
        client.Apply(_endpoints);
        var endpoints = Check(client.Registry);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(client);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// retained bytes per endpoint: {(after - before) / (double)endpoints:0.0} ({after - before} bytes for {endpoints} endpoints in {Services} clusters)"));
    }

    private static int Check(MeshRegistry registry)
    {
        var snapshot = registry.Current;
        var endpoints = snapshot.Clusters.Values.Sum(c => c.Endpoints.Length);
        if (endpoints != Services * ScaleMesh.EndpointsPerService || registry.ConnectionState != MeshConnectionState.Synced)
        {
            throw new InvalidOperationException($"The state was not applied: {endpoints} endpoints, {registry.ConnectionState}, {registry.LastError}");
        }

        return endpoints;
    }
}
