using BenchmarkDotNet.Attributes;
using MeshClient;
using MeshClient.Http;
using MeshClient.Registry;
using MeshClient.Routing;

namespace MeshClient.Benchmarks.Http;

/// <summary>
/// Where the mesh handler's bytes per request go, without sockets: the handler over an inner handler that completes
/// asynchronously (as a socket does) with a ready response, against the inner handler alone, with the mesh's
/// features turned off one at a time through the public options (attempt timeout, retry pipeline, Host header).
/// Both go through HttpClient (its per-request timeout token is what the mesh links its attempt timeout to); the
/// inner handler reads the URI and the Host header as SocketsHttpHandler does before it writes the request.
/// </summary>
[MemoryDiagnoser]
public class MeshHandlerAllocationBenchmarks
{
    private const string Namespace = "default";

    private readonly Uri _directUri = new("http://127.0.0.1:40001/reviews/1");
    private readonly Uri _meshUri = new("http://ratings:9080/reviews/1");
    private HttpClient _direct = null!;
    private HttpClient _mesh = null!;
    private HttpClient _meshNoTimeout = null!;
    private HttpClient _meshNoRetry = null!;
    private HttpClient _meshNoHostHeader = null!;
    private HttpClient _meshBare = null!;

    [GlobalSetup]
    public void Setup()
    {
        var registry = new MeshRegistry(new RegistrySnapshot(
            1,
            [new MeshCluster($"outbound|9080||ratings.{Namespace}.svc.cluster.local", [new MeshEndpoint("127.0.0.1", 40001)])]));
        var router = new MeshRouter(registry);
        _direct = new HttpClient(new AsyncAnswer());
        _mesh = CreateMesh(router, _ => { });
        _meshNoTimeout = CreateMesh(router, o => o.Timeout = null);
        _meshNoRetry = CreateMesh(router, o => o.Retry.Enabled = false);
        _meshNoHostHeader = CreateMesh(router, o => o.Routing.PreserveHostHeader = false);
        _meshBare = CreateMesh(router, o =>
        {
            o.Timeout = null;
            o.Retry.Enabled = false;
            o.Routing.PreserveHostHeader = false;
            o.OutlierDetection.Enabled = false;
        });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var invoker in new[] { _direct, _mesh, _meshNoTimeout, _meshNoRetry, _meshNoHostHeader, _meshBare })
        {
            invoker.Dispose();
        }
    }

    [Benchmark(Baseline = true, Description = "Inner handler alone")]
    public Task<int> Direct() => SendAsync(_direct, _directUri);

    [Benchmark(Description = "Mesh, defaults")]
    public Task<int> Mesh() => SendAsync(_mesh, _meshUri);

    [Benchmark(Description = "Mesh, no attempt timeout")]
    public Task<int> MeshNoTimeout() => SendAsync(_meshNoTimeout, _meshUri);

    [Benchmark(Description = "Mesh, no retry pipeline")]
    public Task<int> MeshNoRetry() => SendAsync(_meshNoRetry, _meshUri);

    [Benchmark(Description = "Mesh, Host header not kept")]
    public Task<int> MeshNoHostHeader() => SendAsync(_meshNoHostHeader, _meshUri);

    [Benchmark(Description = "Mesh, all of these off + no ejection")]
    public Task<int> MeshBare() => SendAsync(_meshBare, _meshUri);

    [Benchmark(Description = "new Uri(endpoint text) per request")]
    public Uri NewEndpointUri() => new(string.Concat("http://127.0.0.1:40001", _meshUri.PathAndQuery), UriKind.Absolute);

    [Benchmark(Description = "Uri.Authority of the logical URI")]
    public string LogicalAuthority() => _meshUri.Authority;

    [Benchmark(Description = "Uri.PathAndQuery of the logical URI")]
    public string LogicalPathAndQuery() => _meshUri.PathAndQuery;

    private HttpClient CreateMesh(MeshRouter router, Action<MeshOptions> configure)
    {
        var options = new MeshOptions { Namespace = Namespace };
        options.Service.Name = "productpage";
        configure(options);
        return new HttpClient(MeshHttpHandler.Create(router, options, new AsyncAnswer()));
    }

    private static async Task<int> SendAsync(HttpClient invoker, Uri uri)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        using var response = await invoker.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return (int)response.StatusCode;
    }
}
