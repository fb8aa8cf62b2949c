using System.Diagnostics;
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
    /// <paramref name="routingThread"/> says how the routing thread waits for the next snapshot: asleep until the
    /// registry's change notification wakes it, or running (spinning on the registry's current snapshot, as a thread
    /// of an app under load is running when a push lands). <paramref name="woke"/> runs each time it has waited.
    /// </summary>
    public async Task<string> PushAsync(RoutingThread routingThread, Action? woke = null)
    {
        var router = _mesh.Router;
        var registry = _mesh.Registry;
        var sent = _pilot.SendRawResponseAsync(ScaleMesh.EndpointTypeUrl, [_assignment]);
        while (true)
        {
            // Reset before routing: a change published after the decision sets the signal again, so none is missed.
            _changed.Reset();
            var before = registry.Current;
            var decision = router.Route(_request);
            if (decision.Endpoint is { } endpoint && _fresh.Contains(endpoint.Address))
            {
                await sent;
                return endpoint.Address;
            }

            var waited = routingThread == RoutingThread.Running ? SpinUntilChanged(registry, before) : _changed.Wait(Bound);
            if (!waited)
            {
                throw new TimeoutException($"The push to {_request.Service} did not reach a routing decision within {Bound}: {registry.LastError}");
            }

            woke?.Invoke();
        }
    }

    /// <summary>Spins (never sleeps) until the registry's snapshot is another than <paramref name="seen"/>.</summary>
    private static bool SpinUntilChanged(MeshRegistry registry, RegistrySnapshot seen)
    {
        var until = Stopwatch.GetTimestamp() + (long)(Bound.TotalSeconds * Stopwatch.Frequency);
        while (ReferenceEquals(registry.Current, seen))
        {
            Thread.SpinWait(20);
            if (Stopwatch.GetTimestamp() > until)
            {
                return false;
            }
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _mesh.DisposeAsync();
        await _pilot.DisposeAsync();
        _changed.Dispose();
    }
}

/// <summary>How benchmark 3's routing thread waits for the next snapshot.</summary>
public enum RoutingThread
{
    /// <summary>Asleep until the registry's change notification wakes it (an idle app).</summary>
    Woken,

    /// <summary>Running: spinning on the registry's current snapshot (an app whose threads are busy routing calls).</summary>
    Running,
}
