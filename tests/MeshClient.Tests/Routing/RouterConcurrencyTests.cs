using MeshClient.Registry;
using MeshClient.Routing;

namespace MeshClient.Tests.Routing;

/// <summary>Decisions from several threads while registry snapshots and rules are swapped.</summary>
public sealed class RouterConcurrencyTests
{
    [Fact]
    public async Task Every_decision_is_consistent_with_one_state_while_updates_swap()
    {
        // Two registries (10.0.x and 10.9.x) and two rule sets (all to v1 / all to v3): any decision must pair an
        // endpoint of the snapshot it names with a tag set of one rule set, and the endpoint must carry the tags.
        var snapshots = new[] { MeshFixtures.SeedSnapshot(prefix: "10.0"), MeshFixtures.SeedSnapshot(prefix: "10.9") };
        var rules = new[]
        {
            RouterRules.Parse("routeRule: {targetService: [{route: [{tags: {version: v1}, weight: 100}]}]}"),
            RouterRules.Parse("routeRule: {targetService: [{route: [{tags: {version: v3}, weight: 100}]}]}"),
        };
        var registry = new MeshRegistry(snapshots[0]);
        var router = new MeshRouter(registry, rules[0], DestinationRuleSet.Parse(MeshFixtures.SeedDestinationRuleYaml));
        var prefixByVersion = new System.Collections.Concurrent.ConcurrentDictionary<long, string>();
        prefixByVersion[registry.Version] = "10.0.";

        using var stop = new CancellationTokenSource();
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var decisions = 0L;
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
        {
            var request = new RouteRequest("targetService");
            while (!stop.IsCancellationRequested)
            {
                var decision = router.Route(request);
                Interlocked.Increment(ref decisions);
                if (!decision.Succeeded)
                {
                    errors.Enqueue("failed: " + decision);
                    continue;
                }

                var version = decision.Tags["version"];
                var address = decision.Endpoint!.Address;
                if (version is not ("v1" or "v3") || MeshFixtures.SubsetOf(decision.Endpoint) != version || decision.Subset != version)
                {
                    errors.Enqueue("tags and endpoint disagree: " + decision);
                }

                if (prefixByVersion.TryGetValue(decision.RegistryVersion, out var prefix) && !address.StartsWith(prefix, StringComparison.Ordinal))
                {
                    errors.Enqueue("endpoint from another snapshot: " + decision);
                }

                if (!decision.Service!.AllEndpoints!.Endpoints.Contains(decision.Endpoint))
                {
                    errors.Enqueue("endpoint not in the decision's service: " + decision);
                }
            }
        })).ToArray();

        for (var i = 1; i <= 300; i++)
        {
            var next = registry.Replace(snapshots[i % 2].Clusters.Values);
            prefixByVersion[next.Version] = i % 2 == 0 ? "10.0." : "10.9.";
            router.UpdateRules(rules[i % 2]);
            if (i % 50 == 0)
            {
                await Task.Yield();
            }
        }

        // Let the readers make decisions on the final state too, then stop them.
        var target = Interlocked.Read(ref decisions) + 1000;
        while (Interlocked.Read(ref decisions) < target && !readers.Any(r => r.IsFaulted))
        {
            await Task.Yield();
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(errors);
        Assert.True(decisions > 1000);
        var last = router.Route(new RouteRequest("targetService"));
        Assert.Equal("v1", last.Tags["version"]);
        Assert.StartsWith("10.0.", last.Endpoint!.Address, StringComparison.Ordinal);
    }
}
