using BenchmarkDotNet.Attributes;
using MeshClient.Registry;
using MeshClient.Routing;
using MeshClient.Testing;

namespace MeshClient.Benchmarks.Scale;

/// <summary>
/// Issue 12, benchmark 3: propagation at 10,000 clusters. A FakePilot (real Kestrel, real gRPC on loopback) serves
/// 10,000 services of 10 pods; a <see cref="MeshDiscovery"/> is synced with it. Each invocation moves the pods of one
/// service (a new generation of addresses), has FakePilot push the one-cluster EDS response, and routes calls to that
/// service until a decision picks one of the new pods. One invocation per iteration, so the median and p99 columns
/// are over pushes.
/// </summary>
[Config(typeof(ScalePropagationConfig))]
public class ScalePropagationBenchmarks
{
    private const int Services = 10_000;
    private FakePilot _pilot = null!;
    private MeshDiscovery _mesh = null!;
    private int _push;

    [GlobalSetup]
    public void Setup()
    {
        _pilot = FakePilot.StartAsync().GetAwaiter().GetResult();
        for (var s = 0; s < Services; s++)
        {
            _pilot.SetService(ScaleMesh.Host(s), ScaleMesh.Port, ScaleMesh.Pods(s));
        }

        _mesh = MeshDiscovery.StartAsync(new MeshOptions
        {
            Namespace = "default",
            Pilot = { Address = _pilot.Address.ToString(), InitialSyncTimeout = TimeSpan.FromMinutes(5) },
        }).GetAwaiter().GetResult();
        var clusters = _mesh.Registry.Current.Clusters.Count;
        if (_mesh.Registry.ConnectionState != MeshConnectionState.Synced || clusters != Services)
        {
            throw new InvalidOperationException($"Not synced: {clusters} clusters, {_mesh.Registry.LastError}");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _mesh.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _pilot.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>From the change in FakePilot to the first routing decision that picks a new pod.</summary>
    [Benchmark]
    public async Task<string> PushToFirstRoutedDecision()
    {
        var push = ++_push;
        var service = push * 7919 % Services;
        var generation = push % 19 + 1;
        var moved = ScaleMesh.Service(service, generation);
        var fresh = moved.Endpoints.Select(e => e.Address).ToHashSet(StringComparer.Ordinal);
        var host = moved.Host;
        // One-cluster EDS push, as istiod sends it: a response with that cluster's assignment only.
        var sent = _pilot.SendRawResponseAsync(ScaleMesh.EndpointTypeUrl, [ScaleMesh.Assignment(service, generation)]);
        var router = _mesh.Router;
        var spin = default(SpinWait);
        while (true)
        {
            var decision = router.Route(new RouteRequest(host));
            if (decision.Endpoint is { } endpoint && fresh.Contains(endpoint.Address))
            {
                await sent;
                return endpoint.Address;
            }

            spin.SpinOnce();
        }
    }
}
