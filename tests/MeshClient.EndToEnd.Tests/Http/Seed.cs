using MeshClient;
using MeshClient.Testing;
using MeshClient.Tests.Shared;

namespace MeshClient.EndToEnd.Tests.Http;

/// <summary>The seed scenario's files (as in samples/Demo) and the subsets FakePilot serves for them.</summary>
internal static class Seed
{
    public const string ClusterV1 = "outbound|9080|v1|reviews.default.svc.cluster.local";
    public const string ClusterV2 = "outbound|9080|v2|reviews.default.svc.cluster.local";
    public const string ClusterV3 = "outbound|9080|v3|reviews.default.svc.cluster.local";

    /// <summary>The go-chassis route rule: 40% v1, 40% v2 with debug, 20% v3.</summary>
    public const string Router = SeedYaml.Router;

    /// <summary>The DestinationRule whose subsets carry the route rule's tags.</summary>
    public const string DestinationRule = SeedYaml.DestinationRule;

    public static IReadOnlyList<FakeSubset> Subsets { get; } =
    [
        new("v1", new Dictionary<string, string> { ["version"] = "v1" }),
        new("v2", new Dictionary<string, string> { ["version"] = "v2", ["debug"] = "true" }),
        new("v3", new Dictionary<string, string> { ["version"] = "v3" }),
    ];

    /// <summary>Starts the v1, v2 (debug) and v3 pods and has FakePilot serve them as <c>reviews:9080</c> with the seed's subsets.</summary>
    public static async Task<(EchoBackend V1, EchoBackend V2, EchoBackend V3)> ServeReviewsAsync(MeshScenario mesh)
    {
        var v1 = await mesh.StartBackendAsync("v1");
        var v2 = await mesh.StartBackendAsync("v2");
        var v3 = await mesh.StartBackendAsync("v3");
        var clusters = mesh.Pilot.SetService(
            "reviews",
            9080,
            [v1.Endpoint(("version", "v1")), v2.Endpoint(("version", "v2"), ("debug", "true")), v3.Endpoint(("version", "v3"))],
            Subsets);
        Assert.Equal(["outbound|9080||reviews.default.svc.cluster.local", ClusterV1, ClusterV2, ClusterV3], clusters);
        return (v1, v2, v3);
    }

    /// <summary>
    /// Writes the seed's router.yaml (or <paramref name="router"/>) and DestinationRule to the scenario's temp
    /// directory now, and returns the option change that points the app at them.
    /// </summary>
    public static Action<MeshOptions> Files(MeshScenario mesh, string router = Router)
    {
        var routerPath = mesh.WriteFile("router.yaml", router);
        var destinationRulePath = mesh.WriteFile("destination-rule.yaml", DestinationRule);
        return options =>
        {
            options.Routing.RouterFile = routerPath;
            options.Routing.DestinationRuleFiles.Add(destinationRulePath);
        };
    }

    /// <summary>How many calls each backend answered (by the name in the body).</summary>
    public static IReadOnlyDictionary<string, int> CountByBackend(IEnumerable<CallResult> calls) =>
        calls.Where(c => c.Succeeded).GroupBy(c => c.Backend!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
}
