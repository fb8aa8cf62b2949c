using System.Collections.Immutable;
using MeshClient.Cli.Output;
using MeshClient.Registry;
using MeshClient.Tests.Shared;

namespace MeshClient.Cli.Tests.Commands;

/// <summary>The seed example for reviews (router.yaml 40/40/20 plus its DestinationRule) and registries to route over.</summary>
internal static class MeshctlFixtures
{
    public const string ReviewsHost = "reviews.default.svc.cluster.local";

    /// <summary>The go-chassis seed's router.yaml, for reviews.</summary>
    public const string SeedRouterYaml = SeedYaml.Router;

    /// <summary>The go-chassis seed's DestinationRule, for reviews.</summary>
    public const string SeedDestinationRuleYaml = SeedYaml.DestinationRule;

    /// <summary>
    /// reviews as Pilot sends it: the all-endpoints cluster and one cluster per subset, two endpoints each
    /// (10.1.1.x for v1, 10.1.2.x for v2, 10.1.3.x for v3), without labels; plus ratings and a non-Istio cluster.
    /// </summary>
    public static ImmutableArray<MeshCluster> SeedClusters(string host = ReviewsHost)
    {
        var v1 = new[] { new MeshEndpoint("10.1.1.1", 9080), new MeshEndpoint("10.1.1.2", 9080) };
        var v2 = new[] { new MeshEndpoint("10.1.2.1", 9080), new MeshEndpoint("10.1.2.2", 9080) };
        var v3 = new[] { new MeshEndpoint("10.1.3.1", 9080), new MeshEndpoint("10.1.3.2", 9080) };
        return
        [
            new MeshCluster($"outbound|9080||{host}", [.. v1, .. v2, .. v3]),
            new MeshCluster($"outbound|9080|v1|{host}", [.. v1]),
            new MeshCluster($"outbound|9080|v2|{host}", [.. v2]),
            new MeshCluster($"outbound|9080|v3|{host}", [.. v3]),
            new MeshCluster("outbound|9080||ratings.default.svc.cluster.local", [new MeshEndpoint("10.2.0.1", 9080)]),
            new MeshCluster("BlackHoleCluster", ImmutableArray<MeshEndpoint>.Empty),
        ];
    }

    public static RegistrySnapshot SeedSnapshot() => new(1, SeedClusters());

    /// <summary>Writes the seed's router.yaml, DestinationRule and registry JSON (as 'meshctl endpoints --json' prints it).</summary>
    public static SeedFiles WriteSeed(TempDirectory directory) => new(
        directory.Write("router.yaml", SeedRouterYaml),
        directory.Write("reviews-dr.yaml", SeedDestinationRuleYaml),
        directory.Write("registry.json", RegistryJson.Write(SeedClusters())));

    public static string SubsetOf(string address) => "v" + address.Split('.')[2];
}
