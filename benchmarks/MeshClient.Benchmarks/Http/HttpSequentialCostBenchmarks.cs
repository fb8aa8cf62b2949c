using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace MeshClient.Benchmarks.Http;

/// <summary>
/// Issue 14's ablation of a sequential call's cost: one request at a time to a loopback Kestrel backend of three
/// ports, direct against MeshClient with its defaults and with one feature turned off at a time (the Host header that
/// keeps the logical service, the call timeout, retries with outlier ejection, all four), so a quiet machine can show
/// which part of the difference to direct each feature is. See <see cref="SequentialCostVariants"/>.
/// </summary>
[MemoryDiagnoser]
public class HttpSequentialCostBenchmarks
{
    private SequentialCostVariants _variants = null!;

    /// <summary>HTTP/1.1, or HTTP/2 with prior knowledge (h2c).</summary>
    [Params(HttpProtocols.Http1, HttpProtocols.Http2)]
    public HttpProtocols Protocol { get; set; }

    [GlobalSetup]
    public void Setup() => _variants = SequentialCostVariants.StartAsync(Protocol).GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _variants.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, Description = "Direct, 3 endpoints")]
    public Task<int> Direct() => _variants.SendAsync(0);

    [Benchmark(Description = "MeshClient, defaults")]
    public Task<int> Mesh() => _variants.SendAsync(1);

    [Benchmark(Description = "MeshClient, Host header not kept")]
    public Task<int> MeshNoHostHeader() => _variants.SendAsync(2);

    [Benchmark(Description = "MeshClient, no timeout")]
    public Task<int> MeshNoTimeout() => _variants.SendAsync(3);

    [Benchmark(Description = "MeshClient, no retry, no ejection")]
    public Task<int> MeshNoRetryNoEjection() => _variants.SendAsync(4);

    [Benchmark(Description = "MeshClient, all four off")]
    public Task<int> MeshBare() => _variants.SendAsync(5);
}
