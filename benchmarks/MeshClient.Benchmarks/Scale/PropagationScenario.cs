using MeshClient.Registry;
using MeshClient.Routing;
using MeshClient.Testing;
using Microsoft.Extensions.Logging;

namespace MeshClient.Benchmarks.Scale;

/// <summary>
/// Benchmark 3's scenario, shared by <see cref="ScalePropagationBenchmarks"/> and <see cref="PropagationTrace"/>: a
/// FakePilot (real Kestrel, real gRPC on loopback) serving 10,000 services of 10 pods, a <see cref="MeshDiscovery"/>
/// synced with it, and one-cluster EDS pushes, each routed until a decision picks one of the push's new pods.
/// </summary>
internal sealed class PropagationScenario : IAsyncDisposable
{
    public const int Services = 10_000;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly ManualResetEventSlim _changed = new(false, spinCount: 0);
    private readonly FakePilot _pilot;
    private readonly MeshDiscovery _mesh;
    private int _push;
    private RouteRequest _request;
    private HashSet<string> _fresh = [];
    private Google.Protobuf.WellKnownTypes.Any _assignment = null!;

    private PropagationScenario(FakePilot pilot, MeshDiscovery mesh)
    {
        _pilot = pilot;
        _mesh = mesh;
        _mesh.Registry.Changed += (_, _) =>
        {
            Changed?.Invoke();
            _changed.Set();
        };
    }

    /// <summary>Runs on the client's thread each time it publishes a snapshot, before the routing thread is woken.</summary>
    public Action? Changed { get; set; }

    public static async Task<PropagationScenario> StartAsync(XdsProtocol protocol, ILoggerFactory? loggerFactory = null)
    {
        var pilot = await FakePilot.StartAsync(new FakePilotOptions { LoggerFactory = loggerFactory });
        for (var s = 0; s < Services; s++)
        {
            pilot.SetService(ScaleMesh.Host(s), ScaleMesh.Port, ScaleMesh.Pods(s));
        }

        var mesh = await MeshDiscovery.StartAsync(
            new MeshOptions
            {
                Namespace = "default",
                Pilot = { Address = pilot.Address.ToString(), InitialSyncTimeout = TimeSpan.FromMinutes(5), XdsProtocol = protocol },
            },
            loggerFactory);
        var clusters = mesh.Registry.Current.Clusters.Count;
        if (mesh.Registry.ConnectionState != MeshConnectionState.Synced || clusters != Services)
        {
            throw new InvalidOperationException($"Not synced: {clusters} clusters, {mesh.Registry.LastError}");
        }

        // The first collection after the start promotes the whole synced state (about 1 GB in this process) and
        // paused every thread for about 150 ms, once, in whichever push it fell: an app has had it long before the
        // pushes it serves in a steady state, so it is done here.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return new PropagationScenario(pilot, mesh);
    }

    /// <summary>
    /// Readies the next push outside the measurement: waits until FakePilot has the client's ACK of the push before
    /// (Pilot debounces its pushes by at least 100 ms by default, so one push's acknowledgement is over before the
    /// next begins), then makes the push's content: one service's pods moved to a new generation of addresses, the
    /// EDS resource FakePilot will send, and the new addresses a decision must pick one of.
    /// </summary>
    public void PrepareNext()
    {
        WaitForLastAck();
        var push = ++_push;
        var service = push * 7919 % Services;
        var generation = push % 19 + 1;
        var moved = ScaleMesh.Service(service, generation);
        _fresh = moved.Endpoints.Select(e => e.Address).ToHashSet(StringComparer.Ordinal);
        _request = new RouteRequest(moved.Host);
        _assignment = ScaleMesh.Assignment(service, generation);
    }

    /// <summary>Waits until FakePilot has the client's answer to the last response it sent.</summary>
    public void WaitForLastAck()
    {
        if (_pilot.Responses is [.., var last])
        {
            _pilot.WaitForRequestAsync(r => r.StreamId == last.StreamId && r.ResponseNonce == last.Nonce, Bound).GetAwaiter().GetResult();
        }
    }

    /// <summary>
    /// Has FakePilot send the prepared one-cluster EDS push, as istiod sends it, and routes a call to that service
    /// each time the registry raises <see cref="MeshRegistry.Changed"/> until a decision picks one of the new pods.
    /// <paramref name="woke"/> runs each time the routing thread wakes.
    /// </summary>
    public async Task<string> PushAsync(Action? woke = null)
    {
        var router = _mesh.Router;
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

            woke?.Invoke();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _mesh.DisposeAsync();
        await _pilot.DisposeAsync();
        _changed.Dispose();
    }
}
