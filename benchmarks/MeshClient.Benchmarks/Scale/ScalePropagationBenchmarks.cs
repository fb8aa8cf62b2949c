using BenchmarkDotNet.Attributes;

namespace MeshClient.Benchmarks.Scale;

/// <summary>
/// Issue 12, benchmark 3: propagation at 10,000 clusters. A FakePilot (real Kestrel, real gRPC on loopback) serves
/// 10,000 services of 10 pods; a <see cref="MeshDiscovery"/> is synced with it over state-of-the-world or delta xDS.
/// Each invocation moves the pods of one service (a new generation of addresses), has FakePilot push the one-cluster
/// EDS response, and routes a call to that service each time the registry raises
/// <see cref="Registry.MeshRegistry.Changed"/> until a decision picks one of the new pods. One invocation per
/// iteration, so the median and p99 columns are over pushes. Before each push (outside the measurement) FakePilot has
/// the client's ACK of the push before, as Pilot's debounce keeps pushes apart; see <see cref="PropagationScenario"/>.
/// </summary>
/// <remarks>
/// The wait is the registry's public change notification, not a poll: a <see cref="SpinWait"/> poll sleeps 1 ms
/// every ~20 spins, so it measured its own sleep granularity (and competed for one of the two cores) rather than the
/// propagation. <c>--propagation-trace</c> times each stage of the same scenario (<see cref="PropagationTrace"/>).
/// </remarks>
[Config(typeof(ScalePropagationConfig))]
public class ScalePropagationBenchmarks
{
    private PropagationScenario _scenario = null!;

    /// <summary>The xDS protocol of the client (FakePilot serves both).</summary>
    [Params(XdsProtocol.StateOfTheWorld, XdsProtocol.Delta)]
    public XdsProtocol Protocol { get; set; }

    [GlobalSetup]
    public void Setup() => _scenario = PropagationScenario.StartAsync(Protocol).GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _scenario.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The next push's content and the end of the push before, outside the measurement.</summary>
    [IterationSetup]
    public void PreparePush() => _scenario.PrepareNext();

    /// <summary>From the change in FakePilot to the first routing decision that picks a new pod.</summary>
    [Benchmark]
    public Task<string> PushToFirstRoutedDecision() => _scenario.PushAsync();
}
