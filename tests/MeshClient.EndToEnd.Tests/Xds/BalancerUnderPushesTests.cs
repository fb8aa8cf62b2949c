using MeshClient.Routing;
using MeshClient.Testing;
using MeshClient.Xds;
using Xunit.Abstractions;

namespace MeshClient.EndToEnd.Tests.Xds;

/// <summary>
/// A Pilot that pushes as a real one does (another service changes between every two calls) over real gRPC: the
/// router's weighted split and round robin stay exact, because their positions live across registry swaps.
/// </summary>
public sealed class BalancerUnderPushesTests(ITestOutputHelper output)
{
    private const string Host = "shop.bookinfo.svc.cluster.local";

    private const string CanaryRules = """
        routeRule:
          shop:
            - route:
              - {tags: {version: v1}, weight: 90}
              - {tags: {version: v2}, weight: 10}
        """;

    [Fact]
    public async Task A_90_10_split_holds_in_every_window_with_a_pilot_push_between_calls()
    {
        await using var harness = await StartAsync();
        var router = new MeshRouter(harness.Registry, RouterRules.Parse(CanaryRules), options: new MeshRouterOptions { DefaultNamespace = DiscoveryHarness.PodNamespace });
        var versions = new List<string>();
        for (var call = 0; call < 120; call++)
        {
            await PushUnrelatedAsync(harness, call);
            var decision = router.Route(new RouteRequest("shop"));
            Assert.True(decision.Succeeded, decision.ToString());
            versions.Add(decision.Endpoint!.Labels["version"]);
        }

        AssertShare(versions, "v2", 10);
    }

    [Fact]
    public async Task Round_robin_over_ten_pods_is_exact_with_a_pilot_push_between_calls()
    {
        await using var harness = await StartAsync();
        var router = new MeshRouter(harness.Registry, options: new MeshRouterOptions { DefaultNamespace = DiscoveryHarness.PodNamespace });
        var picks = new List<string>();
        for (var call = 0; call < 30; call++)
        {
            await PushUnrelatedAsync(harness, call);
            picks.Add(router.Route(new RouteRequest("shop")).Endpoint!.Address);
        }

        Assert.Equal(10, picks.Distinct().Count());
        Assert.All(picks.GroupBy(p => p), g => Assert.Equal(3, g.Count()));
        for (var i = 10; i < picks.Count; i++)
        {
            Assert.Equal(picks[i - 10], picks[i]);
        }
    }

    private async Task<DiscoveryHarness> StartAsync()
    {
        var harness = await DiscoveryHarness.StartAsync(XdsVersion.V3, output, pilot =>
        {
            pilot.SetService(Host, 9080, Enumerable.Range(1, 10).Select(i => new FakeEndpoint($"10.50.0.{i}", 9080)
            {
                Labels = new Dictionary<string, string> { ["app"] = "shop", ["version"] = i == 1 ? "v2" : "v1" },
            }));
            Bookinfo.Serve(pilot);
        });
        await harness.WaitForFirstSyncAsync();
        await harness.WaitUntilAsync(() => harness.Registry.Current.TryFindService(Host, 9080, DiscoveryHarness.PodNamespace, out var s) && s.AllEndpoints!.Endpoints.Length == 10, "shop's endpoints");
        return harness;
    }

    /// <summary>Pilot pushes ratings with another set of pods; waits until the registry has swapped it in.</summary>
    private static async Task PushUnrelatedAsync(DiscoveryHarness harness, int call)
    {
        var before = harness.Registry.Version;
        harness.Pilot.SetService(Bookinfo.RatingsHost, 9080, Enumerable.Range(1, 1 + (call % 2)).Select(i => new FakeEndpoint($"10.44.2.{i + (call % 4)}", 9080)));
        await harness.WaitUntilAsync(() => harness.Registry.Version > before, $"the push before call {call}");
    }

    private static void AssertShare(List<string> picks, string value, int oneIn)
    {
        foreach (var window in new[] { 10, 30, 120 })
        {
            for (var start = 0; start + window <= picks.Count; start++)
            {
                var count = picks.Skip(start).Take(window).Count(p => p == value);
                Assert.True(Math.Abs((count * oneIn) - window) <= oneIn, $"calls {start}..{start + window - 1}: {count} of {window} went to {value}");
            }
        }
    }
}
