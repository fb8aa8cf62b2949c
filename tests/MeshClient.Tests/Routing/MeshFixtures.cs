using System.Collections.Immutable;
using MeshClient.LoadBalancing;
using MeshClient.Registry;
using MeshClient.Routing;

namespace MeshClient.Tests.Routing;

/// <summary>Registries, rules and headers built directly for routing tests.</summary>
internal static class MeshFixtures
{
    public const string ReviewsHost = "reviews.default.svc.cluster.local";

    public const string SeedHost = "targetservice.default.svc.cluster.local";

    /// <summary>router.yaml of the go-chassis seed.</summary>
    public const string SeedRouterYaml = """
        ## router.yaml
        router:
          infra: cse
        routeRule:
          targetService:
            - precedence: 2
              route:
              - tags:
                  version: v1
                weight: 40
              - tags:
                  version: v2
                  debug: true
                weight: 40
              - tags:
                  version: v3
                weight: 20
        """;

    /// <summary>The DestinationRule of the go-chassis seed.</summary>
    public const string SeedDestinationRuleYaml = """
        apiVersion: networking.istio.io/v1alpha3
        kind: DestinationRule
        metadata:
          name: targetService
        spec:
          host: targetService
          subsets:
          - name: v1
            labels:
              version: v1
          - name: v2
            labels:
              version: v2
              debug: "true"
          - name: v3
            labels:
              version: v3
        """;

    public static MeshEndpoint Endpoint(
        string address,
        int port = 9080,
        EndpointHealth health = EndpointHealth.Healthy,
        uint weight = 1,
        uint priority = 0,
        IReadOnlyDictionary<string, string>? labels = null,
        EndpointLocality? locality = null,
        uint localityWeight = 1) =>
        new(address, port, health, weight, locality, localityWeight, priority, labels);

    public static MeshCluster Cluster(string host, string subset, params MeshEndpoint[] endpoints) =>
        new($"outbound|9080|{subset}|{host}", [.. endpoints]);

    /// <summary>
    /// The seed's service as Pilot sends it: the all-endpoints cluster and one cluster per subset, two endpoints each
    /// (10.0.1.x for v1, 10.0.2.x for v2, 10.0.3.x for v3), no labels in endpoint metadata.
    /// </summary>
    public static RegistrySnapshot SeedSnapshot(long version = 1, string host = SeedHost, string prefix = "10.0")
    {
        var v1 = new[] { Endpoint($"{prefix}.1.1"), Endpoint($"{prefix}.1.2") };
        var v2 = new[] { Endpoint($"{prefix}.2.1"), Endpoint($"{prefix}.2.2") };
        var v3 = new[] { Endpoint($"{prefix}.3.1"), Endpoint($"{prefix}.3.2") };
        return new RegistrySnapshot(version, [
            Cluster(host, string.Empty, [.. v1, .. v2, .. v3]),
            Cluster(host, "v1", v1),
            Cluster(host, "v2", v2),
            Cluster(host, "v3", v3),
        ]);
    }

    /// <summary>A service whose endpoints carry their labels in metadata (no DestinationRule needed).</summary>
    public static RegistrySnapshot Labelled(string host, params (string Address, string Version)[] endpoints) =>
        new(1, [Cluster(host, string.Empty, endpoints.Select(e => Endpoint(e.Address, labels: Labels(("version", e.Version)))).ToArray())]);

    public static IReadOnlyDictionary<string, string> Labels(params (string Name, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);

    public static DictionaryRouteHeaders Headers(params (string Name, string Value)[] pairs) =>
        new(pairs.ToDictionary(p => p.Name, p => p.Value, StringComparer.OrdinalIgnoreCase));

    public static MeshRouter SeedRouter(MeshRouterOptions? options = null, TimeProvider? time = null) =>
        new(
            new MeshRegistry(SeedSnapshot()),
            RouterRules.Parse(SeedRouterYaml),
            DestinationRuleSet.Parse(SeedDestinationRuleYaml),
            options,
            time);

    public static MeshRouterOptions WithRandom(int seed, MeshRouterOptions? options = null)
    {
        options ??= new MeshRouterOptions();
        options.RandomSource = new SeededRandomSource(seed);
        return options;
    }

    /// <summary>The subset of a seed endpoint, read from its address (10.0.S.x).</summary>
    public static string SubsetOf(MeshEndpoint endpoint) => "v" + endpoint.Address.Split('.')[2];

    public static ImmutableArray<MeshEndpoint> Endpoints(RegistrySnapshot snapshot) =>
        [.. snapshot.Clusters.Values.SelectMany(c => c.Endpoints)];
}
