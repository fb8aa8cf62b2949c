using BenchmarkDotNet.Attributes;
using MeshClient.Registry;
using MeshClient.Routing;
using MeshClient.Testing;

namespace MeshClient.Benchmarks.Scale;

/// <summary>
/// Issue 12, benchmark 3: propagation at 10,000 clusters. A FakePilot (real Kestrel, real gRPC on loopback) serves
/// 10,000 services of 10 pods; a <see cref="MeshDiscovery"/> is synced with it over state-of-the-world or delta xDS.
/// Each invocation moves the pods of one service (a new generation of addresses), has FakePilot push the one-cluster
/// EDS response, and routes a call to that service each time the registry raises <see cref="MeshRegistry.Changed"/>
/// until a decision picks one of the new pods. One invocation per iteration, so the median and p99 columns are over
/// pushes.
/// </summary>
/// <remarks>
/// The wait is the registry's public change notification, not a poll: a <see cref="SpinWait"/> poll sleeps 1 ms
/// every ~20 spins, so it measured its own sleep granularity (and competed for one of the two cores) rather than the
/// propagation.
/// </remarks>
[Config(typeof(ScalePropagationConfig))]
public class ScalePropagationBenchmarks
{
    private const int Services = 10_000;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly ManualResetEventSlim _changed = new(false, spinCount: 0);
    private FakePilot _pilot = null!;
    private MeshDiscovery _mesh = null!;
    private int _push;
    private RouteRequest _request;
    private HashSet<string> _fresh = [];
    private Google.Protobuf.WellKnownTypes.Any _assignment = null!;

    /// <summary>The xDS protocol of the client (FakePilot serves both).</summary>
    [Params(XdsProtocol.StateOfTheWorld, XdsProtocol.Delta)]
    public XdsProtocol Protocol { get; set; }

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
            Pilot = { Address = _pilot.Address.ToString(), InitialSyncTimeout = TimeSpan.FromMinutes(5), XdsProtocol = Protocol },
        }).GetAwaiter().GetResult();
        var clusters = _mesh.Registry.Current.Clusters.Count;
        if (_mesh.Registry.ConnectionState != MeshConnectionState.Synced || clusters != Services)
        {
            throw new InvalidOperationException($"Not synced: {clusters} clusters, {_mesh.Registry.LastError}");
        }

        _mesh.Registry.Changed += (_, _) => _changed.Set();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _mesh.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _pilot.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _changed.Dispose();
    }

    /// <summary>
    /// The next push's content, made outside the measurement (the benchmark's input, not the propagation): one
    /// service's pods moved to a new generation of addresses, the EDS resource FakePilot will send, and the new
    /// addresses a decision must pick one of.
    /// </summary>
    [IterationSetup]
    public void PreparePush()
    {
        var push = ++_push;
        var service = push * 7919 % Services;
        var generation = push % 19 + 1;
        var moved = ScaleMesh.Service(service, generation);
        _fresh = moved.Endpoints.Select(e => e.Address).ToHashSet(StringComparer.Ordinal);
        _request = new RouteRequest(moved.Host);
        _assignment = ScaleMesh.Assignment(service, generation);
    }

    /// <summary>From the change in FakePilot to the first routing decision that picks a new pod.</summary>
    [Benchmark]
    public async Task<string> PushToFirstRoutedDecision()
    {
        var router = _mesh.Router;

        // One-cluster EDS push, as istiod sends it: a response with that cluster's assignment only.
        var sent = _pilot.SendRawResponseAsync(ScaleMesh.EndpointTypeUrl, [_assignment]);
        while (true)
        {
            // Reset before routing: a change published after the decision sets the signal again, so none is missed.
            _changed.Reset();
            var decision = router.Route(_request);
            if (decision.Endpoint is { } endpoint && _fresh.Contains(endpoint.Address))
            {
                await sent;
                return endpoint.Address;
            }

            if (!_changed.Wait(Bound))
            {
                throw new TimeoutException($"The push to {_request.Service} did not reach a routing decision within {Bound}: {_mesh.Registry.LastError}");
            }
        }
    }
}
