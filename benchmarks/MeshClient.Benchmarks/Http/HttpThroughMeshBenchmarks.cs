using System.Globalization;
using System.Net;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MeshClient.Registry;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClient.Benchmarks.Http;

/// <summary>
/// HttpClient requests through <c>AddMeshRouting()</c>, through Microsoft.Extensions.ServiceDiscovery's
/// <c>AddServiceDiscovery()</c> (the .NET default: configuration endpoints, bare round robin), and calling the
/// endpoints directly, all from HttpClient factories with the same primary <see cref="SocketsHttpHandler"/> settings,
/// to one real Kestrel backend on 127.0.0.1 listening on three ports (plaintext HTTP/1.1, and HTTP/2 with prior
/// knowledge) that answers a small fixed body. The mesh clients come from a ServiceCollection with
/// <c>AddMeshDiscovery</c> over a registry pre-filled with Pilot's clusters; the hosted service (the ADS stream) is
/// never started. The ServiceDiscovery client comes from its own ServiceCollection (nothing of MeshClient in it) whose
/// configuration names the same three endpoints. Each category has its direct client as the baseline:
/// <list type="bullet">
/// <item>Sequential: one request at a time, spread over the three endpoints by each column: direct round robin over
/// the three endpoint URIs, MeshClient's service <c>details</c> (three endpoints, no route rule), ServiceDiscovery's
/// service <c>details</c> (the same three endpoints in configuration).</item>
/// <item>Concurrent: the same with 16 requests in flight per operation.</item>
/// <item>Each of these two categories runs its direct client a second time, last ("Direct again"): that column's
/// ratio to the baseline is the run's own noise floor, the difference two identical clients show in the same run.</item>
/// <item>HeaderRule: service <c>reviews</c> with the seed's router.yaml rule (header match, 40/40/20 over subsets v1,
/// v2 with debug, v3 from a DestinationRule, one endpoint each), against the direct call with the same header.</item>
/// </list>
/// Allocated bytes count every thread, so they include the in-process Kestrel server's, alike on every side: the
/// difference to the baseline is the client's. Setup checks that every column spreads its calls evenly.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class HttpThroughMeshBenchmarks
{
    private const int ServicePort = 9080;
    private const int InFlight = 16;
    private const string SequentialCategory = "Sequential";
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
    private ServiceProvider _peerServices = null!;
    private HttpClient _direct = null!;
    private HttpClient _mesh = null!;
    private HttpClient _serviceDiscovery = null!;
    private Uri _directUri = null!;
    private Uri[] _directUris = null!;
    private int _nextDirect;
    private Uri _detailsUri = null!;
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

    [BenchmarkCategory(SequentialCategory)]
    [Benchmark(Baseline = true, Description = "Direct, 3 endpoints")]
    public Task<int> Direct() => SendAsync(_direct, NextDirectUri(), withHeader: false);

    [BenchmarkCategory(SequentialCategory)]
    [Benchmark(Description = "MeshClient, 3 endpoints")]
    public Task<int> Mesh() => SendAsync(_mesh, _detailsUri, withHeader: false);

    [BenchmarkCategory(SequentialCategory)]
    [Benchmark(Description = "ServiceDiscovery, 3 endpoints")]
    public Task<int> ServiceDiscovery() => SendAsync(_serviceDiscovery, _detailsUri, withHeader: false);

    [BenchmarkCategory(SequentialCategory)]
    [Benchmark(Description = "Direct again, 3 endpoints")]
    public Task<int> DirectAgain() => SendAsync(_direct, NextDirectUri(), withHeader: false);

    [BenchmarkCategory(HeaderRuleCategory)]
    [Benchmark(Baseline = true, Description = "Direct + header")]
    public Task<int> DirectWithHeader() => SendAsync(_direct, _directUri, withHeader: true);

    [BenchmarkCategory(HeaderRuleCategory)]
    [Benchmark(Description = "Mesh, header rule 40/40/20")]
    public Task<int> MeshHeaderRule() => SendAsync(_mesh, _reviewsUri, withHeader: true);

    [BenchmarkCategory(ConcurrentCategory)]
    [Benchmark(Baseline = true, OperationsPerInvoke = InFlight, Description = "Direct x16 in flight")]
    public Task<int> DirectConcurrent() => SendManyAsync(_direct, null);

    [BenchmarkCategory(ConcurrentCategory)]
    [Benchmark(OperationsPerInvoke = InFlight, Description = "MeshClient x16 in flight")]
    public Task<int> MeshConcurrent() => SendManyAsync(_mesh, _detailsUri);

    [BenchmarkCategory(ConcurrentCategory)]
    [Benchmark(OperationsPerInvoke = InFlight, Description = "ServiceDiscovery x16 in flight")]
    public Task<int> ServiceDiscoveryConcurrent() => SendManyAsync(_serviceDiscovery, _detailsUri);

    [BenchmarkCategory(ConcurrentCategory)]
    [Benchmark(OperationsPerInvoke = InFlight, Description = "Direct again x16 in flight")]
    public Task<int> DirectAgainConcurrent() => SendManyAsync(_direct, null);

    /// <summary>The primary handler settings every column of the HTTP benchmarks shares.</summary>
    internal static SocketsHttpHandler CreatePrimaryHandler() => new()
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
        yield return new MeshCluster($"outbound|{ServicePort}||details.{Namespace}.svc.cluster.local", [Endpoint(0), Endpoint(1), Endpoint(2)]);
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
        _directUris = [.. ports.Select(port => new Uri($"http://127.0.0.1:{port}/reviews/1"))];
        _detailsUri = new Uri($"http://details:{ServicePort}/reviews/1");
        _reviewsUri = new Uri($"http://reviews:{ServicePort}/reviews/1");

        _peerServices = CreatePeerServices(ports);
        _serviceDiscovery = _peerServices.GetRequiredService<IHttpClientFactory>().CreateClient("service-discovery");

        await CheckAsync("direct", () => SendAsync(_direct, _directUri, withHeader: true), 10, [10, 0, 0]);
        await CheckAsync("direct, 3 endpoints", () => SendAsync(_direct, NextDirectUri(), withHeader: false), 30, [10, 10, 10]);
        await CheckAsync("mesh, 3 endpoints", () => SendAsync(_mesh, _detailsUri, withHeader: false), 30, [10, 10, 10]);
        await CheckAsync("service discovery, 3 endpoints", () => SendAsync(_serviceDiscovery, _detailsUri, withHeader: false), 30, [10, 10, 10]);
        await CheckAsync("mesh, header rule", () => SendAsync(_mesh, _reviewsUri, withHeader: true), 100, [40, 40, 20]);
        await CheckAsync("mesh, no header (v1 rule)", () => SendAsync(_mesh, _reviewsUri, withHeader: false), 10, [10, 0, 0]);
        await CheckAsync("direct x16 in flight", () => SendManyAsync(_direct, null), 3, [InFlight, InFlight, InFlight]);
        await CheckAsync("mesh x16 in flight", () => SendManyAsync(_mesh, _detailsUri), 3, [InFlight, InFlight, InFlight]);
        await CheckAsync("service discovery x16 in flight", () => SendManyAsync(_serviceDiscovery, _detailsUri), 3, [InFlight, InFlight, InFlight]);
        _backend.ResetCounts();
    }

    /// <summary>Microsoft.Extensions.ServiceDiscovery on its own: configuration names the three endpoints of <c>details</c>.</summary>
    private static ServiceProvider CreatePeerServices(IReadOnlyList<int> ports)
    {
        var endpoints = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            endpoints[string.Create(CultureInfo.InvariantCulture, $"services:details:http:{i}")] = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{ports[i]}");
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(endpoints).Build());
        services.AddServiceDiscovery();
        services.AddHttpClient("service-discovery")
            .ConfigurePrimaryHttpMessageHandler(CreatePrimaryHandler)
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddServiceDiscovery();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    private Uri NextDirectUri() => _directUris[(int)((uint)Interlocked.Increment(ref _nextDirect) % (uint)_directUris.Length)];

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
        _serviceDiscovery.Dispose();
        await _services.DisposeAsync();
        await _peerServices.DisposeAsync();
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

    /// <summary>16 requests in flight; to <paramref name="uri"/>, or (direct) to each endpoint URI in turn when <see langword="null"/>.</summary>
    private async Task<int> SendManyAsync(HttpClient client, Uri? uri)
    {
        var calls = new Task<int>[InFlight];
        for (var i = 0; i < calls.Length; i++)
        {
            calls[i] = SendAsync(client, uri ?? NextDirectUri(), withHeader: false);
        }

        var total = 0;
        foreach (var length in await Task.WhenAll(calls))
        {
            total += length;
        }

        return total;
    }
}
