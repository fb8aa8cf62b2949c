using System.Net;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MeshClient.Registry;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClient.Benchmarks.Http;

/// <summary>
/// HttpClient requests through <c>AddMeshRouting()</c> against the same HttpClient setup (same factory, same primary
/// <see cref="SocketsHttpHandler"/> settings) calling the endpoint directly, to one real Kestrel backend on 127.0.0.1
/// (plaintext HTTP/1.1, and HTTP/2 with prior knowledge) that answers a small fixed body. The mesh clients come from a
/// ServiceCollection with <c>AddMeshDiscovery</c> over a registry pre-filled with Pilot's clusters; the hosted service
/// (the ADS stream) is never started. Each category has its direct client as the baseline:
/// <list type="bullet">
/// <item>Plain: service <c>ratings</c> (one endpoint, no route rule) against the direct call.</item>
/// <item>HeaderRule: service <c>reviews</c> with the seed's router.yaml rule (header match, 40/40/20 over subsets v1,
/// v2 with debug, v3 from a DestinationRule, one endpoint each), against the direct call with the same header.</item>
/// <item>Concurrent: 16 requests in flight per operation, <c>ratings</c> against the direct call.</item>
/// </list>
/// Allocated bytes count every thread, so they include the in-process Kestrel server's, alike on both sides: the
/// difference to the baseline is the mesh's.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class HttpThroughMeshBenchmarks
{
    private const int ServicePort = 9080;
    private const int InFlight = 16;
    private const string PlainCategory = "Plain";
    private const string HeaderRuleCategory = "HeaderRule";
    private const string ConcurrentCategory = "Concurrent";
    private const string Namespace = "default";

    private const string RouterYaml = """
        routeRule:
          reviews:
            - precedence: 2
              match:
                headers:
                  X-User: {exact: anna}
              route:
                - tags: {version: v1}
                  weight: 40
                - tags: {version: v2, debug: "true"}
                  weight: 40
                - tags: {version: v3}
                  weight: 20
            - precedence: 1
              route:
                - tags: {version: v1}
                  weight: 100
        """;

    private const string DestinationRuleYaml = """
        apiVersion: networking.istio.io/v1alpha3
        kind: DestinationRule
        metadata:
          name: reviews
        spec:
          host: reviews
          subsets:
          - name: v1
            labels: {version: v1}
          - name: v2
            labels: {version: v2, debug: "true"}
          - name: v3
            labels: {version: v3}
        """;

    private LoopbackBackend _backend = null!;
    private ServiceProvider _services = null!;
    private HttpClient _direct = null!;
    private HttpClient _mesh = null!;
    private Uri _directUri = null!;
    private Uri _ratingsUri = null!;
    private Uri _reviewsUri = null!;
    private Version _version = HttpVersion.Version11;
    private string _configDirectory = null!;

    /// <summary>The protocol of the backend and the requests: HTTP/1.1, or HTTP/2 with prior knowledge (h2c).</summary>
    [Params(HttpProtocols.Http1, HttpProtocols.Http2)]
    public HttpProtocols Protocol { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => CleanupAsync().GetAwaiter().GetResult();

    [BenchmarkCategory(PlainCategory)]
    [Benchmark(Baseline = true, Description = "Direct")]
    public Task<int> Direct() => SendAsync(_direct, _directUri, withHeader: false);

    [BenchmarkCategory(PlainCategory)]
    [Benchmark(Description = "Mesh, no rule")]
    public Task<int> Mesh() => SendAsync(_mesh, _ratingsUri, withHeader: false);

    [BenchmarkCategory(HeaderRuleCategory)]
    [Benchmark(Baseline = true, Description = "Direct + header")]
    public Task<int> DirectWithHeader() => SendAsync(_direct, _directUri, withHeader: true);

    [BenchmarkCategory(HeaderRuleCategory)]
    [Benchmark(Description = "Mesh, header rule 40/40/20")]
    public Task<int> MeshHeaderRule() => SendAsync(_mesh, _reviewsUri, withHeader: true);

    [BenchmarkCategory(ConcurrentCategory)]
    [Benchmark(Baseline = true, OperationsPerInvoke = InFlight, Description = "Direct x16 in flight")]
    public Task<int> DirectConcurrent() => SendManyAsync(_direct, _directUri);

    [BenchmarkCategory(ConcurrentCategory)]
    [Benchmark(OperationsPerInvoke = InFlight, Description = "Mesh x16 in flight")]
    public Task<int> MeshConcurrent() => SendManyAsync(_mesh, _ratingsUri);

    private static SocketsHttpHandler CreatePrimaryHandler() => new()
    {
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        EnableMultipleHttp2Connections = true,
    };

    private static IEnumerable<MeshCluster> Clusters(IReadOnlyList<int> ports)
    {
        MeshEndpoint Endpoint(int index) => new("127.0.0.1", ports[index]);
        var reviews = $"reviews.{Namespace}.svc.cluster.local";
        yield return new MeshCluster($"outbound|{ServicePort}||ratings.{Namespace}.svc.cluster.local", [Endpoint(0)]);
        yield return new MeshCluster($"outbound|{ServicePort}||{reviews}", [Endpoint(0), Endpoint(1), Endpoint(2)]);
        yield return new MeshCluster($"outbound|{ServicePort}|v1|{reviews}", [Endpoint(0)]);
        yield return new MeshCluster($"outbound|{ServicePort}|v2|{reviews}", [Endpoint(1)]);
        yield return new MeshCluster($"outbound|{ServicePort}|v3|{reviews}", [Endpoint(2)]);
    }

    private async Task SetupAsync()
    {
        _version = Protocol == HttpProtocols.Http2 ? HttpVersion.Version20 : HttpVersion.Version11;
        _backend = await LoopbackBackend.StartAsync(Protocol, portCount: 3);
        var ports = _backend.Ports;

        _configDirectory = Directory.CreateTempSubdirectory("meshclient-bench-").FullName;
        var routerFile = Path.Combine(_configDirectory, "router.yaml");
        var destinationRuleFile = Path.Combine(_configDirectory, "destination-rule.yaml");
        await File.WriteAllTextAsync(routerFile, RouterYaml);
        await File.WriteAllTextAsync(destinationRuleFile, DestinationRuleYaml);

        var services = new ServiceCollection();

        // Registered before AddMeshDiscovery, whose TryAdd keeps it: the clusters Pilot would send, no ADS stream.
        services.AddSingleton(new MeshRegistry(new RegistrySnapshot(1, Clusters(ports))));
        services.AddMeshDiscovery(options =>
        {
            options.Namespace = Namespace;
            options.Service.Name = "productpage";
            options.Routing.RouterFile = routerFile;
            options.Routing.DestinationRuleFiles.Add(destinationRuleFile);
        });
        services.AddHttpClient("direct")
            .ConfigurePrimaryHttpMessageHandler(CreatePrimaryHandler)
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddHttpClient("mesh")
            .ConfigurePrimaryHttpMessageHandler(CreatePrimaryHandler)
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddMeshRouting();
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var factory = _services.GetRequiredService<IHttpClientFactory>();
        _direct = factory.CreateClient("direct");
        _mesh = factory.CreateClient("mesh");
        _directUri = new Uri($"http://127.0.0.1:{ports[0]}/reviews/1");
        _ratingsUri = new Uri($"http://ratings:{ServicePort}/reviews/1");
        _reviewsUri = new Uri($"http://reviews:{ServicePort}/reviews/1");

        await CheckAsync("direct", () => SendAsync(_direct, _directUri, withHeader: true), 10, [10, 0, 0]);
        await CheckAsync("mesh, no rule", () => SendAsync(_mesh, _ratingsUri, withHeader: false), 10, [10, 0, 0]);
        await CheckAsync("mesh, header rule", () => SendAsync(_mesh, _reviewsUri, withHeader: true), 100, [40, 40, 20]);
        await CheckAsync("mesh, no header (v1 rule)", () => SendAsync(_mesh, _reviewsUri, withHeader: false), 10, [10, 0, 0]);
        await CheckAsync("mesh x16 in flight", () => SendManyAsync(_mesh, _ratingsUri), 1, [InFlight, 0, 0]);
        _backend.ResetCounts();
    }

    private async Task CheckAsync(string what, Func<Task<int>> call, int calls, int[] expected)
    {
        _backend.ResetCounts();
        for (var i = 0; i < calls; i++)
        {
            await call();
        }

        var counts = _backend.Counts();
        if (!counts.SequenceEqual(expected))
        {
            throw new InvalidOperationException(
                $"The benchmark does not route as intended ({what}, {Protocol}): requests per backend port [{string.Join(", ", counts)}], expected [{string.Join(", ", expected)}].");
        }
    }

    private async Task CleanupAsync()
    {
        _direct.Dispose();
        _mesh.Dispose();
        await _services.DisposeAsync();
        await _backend.DisposeAsync();
        Directory.Delete(_configDirectory, recursive: true);
    }

    private async Task<int> SendAsync(HttpClient client, Uri uri, bool withHeader)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri)
        {
            Version = _version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        if (withHeader)
        {
            request.Headers.TryAddWithoutValidation("X-User", "anna");
        }

        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsByteArrayAsync();
        return body.Length;
    }

    private async Task<int> SendManyAsync(HttpClient client, Uri uri)
    {
        var calls = new Task<int>[InFlight];
        for (var i = 0; i < calls.Length; i++)
        {
            calls[i] = SendAsync(client, uri, withHeader: false);
        }

        var total = 0;
        foreach (var length in await Task.WhenAll(calls))
        {
            total += length;
        }

        return total;
    }
}
