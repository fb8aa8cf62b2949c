using BenchmarkDotNet.Attributes;
using MeshClient.Registry;
using MeshClient.Routing;

namespace MeshClient.Benchmarks.Routing;

/// <summary>
/// One routing decision: a 4-rule router with header conditions (the third rule matches: regex + numeric), a
/// 40/40/20 tag set pick, then round robin among the 100 endpoints of the chosen subset (3 subsets of 100), against
/// a bare round robin over an endpoint array (what Microsoft.Extensions.ServiceDiscovery does per request).
/// </summary>
[MemoryDiagnoser]
public class RoutingDecisionBenchmarks
{
    private const string Host = "reviews.default.svc.cluster.local";

    private const string RouterYaml = """
        routeRule:
          reviews:
            - precedence: 4
              match: {headers: {X-User: {exact: jason}}}
              route: [{tags: {version: v1}, weight: 100}]
            - precedence: 3
              match: {headers: {X-Age: {greater: 60}}}
              route: [{tags: {version: v3}, weight: 100}]
            - precedence: 2
              match:
                headers:
                  X-User: {regex: "^(anna|bob)$"}
                  X-Age: {greater: 18}
              route:
                - {tags: {version: v1}, weight: 40}
                - {tags: {version: v2, debug: "true"}, weight: 40}
                - {tags: {version: v3}, weight: 20}
            - precedence: 1
              route: [{tags: {version: v1}, weight: 100}]
        """;

    private const string DestinationRuleYaml = """
        apiVersion: networking.istio.io/v1beta1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: v2, debug: "true"}}
          - {name: v3, labels: {version: v3}}
        """;

    private readonly RouteRequest _request = new("reviews", sourceService: "productpage");
    private MeshRouter _router = null!;
    private MeshRouter _weightsOnlyRouter = null!;
    private HttpRequestMessage _message = null!;
    private DictionaryRouteHeaders _dictionaryHeaders;
    private MeshEndpoint[] _endpoints = null!;
    private int _next = -1;

    [GlobalSetup]
    public void Setup()
    {
        var subsets = new[] { "v1", "v2", "v3" }
            .Select((name, s) => (Name: name, Endpoints: Enumerable.Range(1, 100).Select(i => new MeshEndpoint($"10.{s + 1}.0.{i}", 9080)).ToArray()))
            .ToArray();
        var clusters = new List<MeshCluster> { new($"outbound|9080||{Host}", [.. subsets.SelectMany(s => s.Endpoints)]) };
        clusters.AddRange(subsets.Select(s => new MeshCluster($"outbound|9080|{s.Name}|{Host}", [.. s.Endpoints])));
        var registry = new MeshRegistry(new RegistrySnapshot(1, clusters));
        var destinationRules = DestinationRuleSet.Parse(DestinationRuleYaml);
        _router = new MeshRouter(registry, RouterRules.Parse(RouterYaml), destinationRules);
        _weightsOnlyRouter = new MeshRouter(
            registry,
            RouterRules.Parse("routeRule: {reviews: [{route: [{tags: {version: v1}, weight: 40}, {tags: {version: v2}, weight: 40}, {tags: {version: v3}, weight: 20}]}]}"),
            destinationRules);

        _message = new HttpRequestMessage(HttpMethod.Get, "http://reviews:9080/");
        _message.Headers.TryAddWithoutValidation("X-User", "anna");
        _message.Headers.TryAddWithoutValidation("X-Age", "30");
        _message.Headers.TryAddWithoutValidation("Accept", "application/json");
        _dictionaryHeaders = new DictionaryRouteHeaders(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["X-User"] = "anna",
            ["X-Age"] = "30",
            ["Accept"] = "application/json",
        });
        _endpoints = [.. subsets.SelectMany(s => s.Endpoints)];

        var check = _router.Route(_request, new HttpRequestHeadersReader(_message.Headers));
        if (!check.Succeeded || check.RuleIndex != 2)
        {
            throw new InvalidOperationException("The benchmark router does not route as intended: " + check);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _message.Dispose();

    [Benchmark(Baseline = true, Description = "Bare round robin over an endpoint array")]
    public MeshEndpoint BareRoundRobin() => _endpoints[(int)((uint)Interlocked.Increment(ref _next) % (uint)_endpoints.Length)];

    [Benchmark(Description = "Routing decision: 4 rules with header conditions, 3 subsets x 100")]
    public MeshEndpoint? RoutingDecision() => _router.Route(_request, new HttpRequestHeadersReader(_message.Headers)).Endpoint;

    [Benchmark(Description = "Same decision, headers from a dictionary")]
    public MeshEndpoint? RoutingDecisionDictionaryHeaders() => _router.Route(_request, _dictionaryHeaders).Endpoint;

    [Benchmark(Description = "Routing decision: one weighted rule, no headers")]
    public MeshEndpoint? RoutingDecisionWeightsOnly() => _weightsOnlyRouter.Route(_request).Endpoint;
}
