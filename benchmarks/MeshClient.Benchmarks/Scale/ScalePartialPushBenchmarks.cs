using BenchmarkDotNet.Attributes;

namespace MeshClient.Benchmarks.Scale;

/// <summary>
/// Issue 12, benchmark 2: one partial EDS push (one cluster of 10 endpoints, all moved) into a full state of 1,000 and
/// of 10,000 clusters, side by side: parse, validate, apply, publish the snapshot, ACK. Two encoded versions of the
/// cluster alternate, so every push changes it.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ScalePushConfig))]
public class ScalePartialPushBenchmarks
{
    private ScaleClient _client = null!;
    private byte[][] _pushes = [];
    private const int WarmUpPushes = 2_000;
    private int _next;

    [Params(1_000, 10_000)]
    public int Clusters { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _client = new ScaleClient();
        _client.Apply(ScaleMesh.Clusters(Clusters));
        _client.Apply(ScaleMesh.Endpoints(Enumerable.Range(0, Clusters)));
        var changed = Clusters / 2;
        _pushes = [ScaleMesh.Endpoints([changed], generation: 1, version: "p1"), ScaleMesh.Endpoints([changed], generation: 2, version: "p2")];

        // Both sizes run in one process (in-process toolchain) and the first would otherwise carry the JIT's tiering
        // of the push path: run it until the runtime has had the calls it counts before it optimizes.
        for (var i = 0; i < WarmUpPushes; i++)
        {
            PushOneCluster();
        }
    }

    /// <summary>One EDS response with one changed cluster.</summary>
    [Benchmark]
    public long PushOneCluster()
    {
        _client.Apply(_pushes[_next++ & 1]);
        return _client.Registry.Version;
    }
}
