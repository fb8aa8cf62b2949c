using MeshClient.Registry;
using MeshClient.Routing;

namespace MeshClient.Tests.Routing;

/// <summary>
/// Balancer positions live across registry swaps and rule reloads: a weighted split and a round robin stay exact
/// however many pushes come between calls; only a rule whose weights change starts fresh.
/// </summary>
public sealed class BalancerStateAcrossSwapsTests
{
    private const string CanaryRules = """
        routeRule:
          reviews:
            - route:
              - {tags: {version: v1}, weight: 90}
              - {tags: {version: v2}, weight: 10}
        """;

    private const string OtherHost = "ratings.default.svc.cluster.local";

    [Fact]
    public void A_90_10_split_holds_in_every_window_of_calls_with_an_unrelated_push_before_each_call()
    {
        var registry = new MeshRegistry(Snapshot(1, otherPods: 1));
        var router = new MeshRouter(registry, RouterRules.Parse(CanaryRules));
        var versions = new List<string>();
        var addresses = new List<string>();
        for (var call = 0; call < 500; call++)
        {
            registry.Replace(Clusters(otherPods: 1 + (call % 7)));
            var endpoint = router.Route(new RouteRequest("reviews")).Endpoint!;
            versions.Add(endpoint.Labels["version"]);
            addresses.Add(endpoint.Address);
        }

        AssertEveryWindowHoldsShare(versions, "v2", 10);

        // Within v1, round robin stays exact too: 90 calls of every 100 over its 9 endpoints, 10 each.
        foreach (var window in addresses.Chunk(100))
        {
            Assert.All(window.Where(a => a != "10.1.0.1").GroupBy(a => a), g => Assert.Equal(10, g.Count()));
        }
    }

    [Fact]
    public void Round_robin_over_ten_endpoints_stays_exact_with_a_push_before_each_call()
    {
        var registry = new MeshRegistry(Snapshot(1, otherPods: 1));
        var router = new MeshRouter(registry);
        var picks = new List<string>();
        for (var call = 0; call < 30; call++)
        {
            registry.Replace(Clusters(otherPods: 1 + (call % 5)));
            picks.Add(router.Route(new RouteRequest("reviews")).Endpoint!.Address);
        }

        // Each call takes the endpoint after the previous one, whatever the start.
        var order = Pods().Select(p => p.Address).ToList();
        for (var i = 1; i < picks.Count; i++)
        {
            Assert.Equal((order.IndexOf(picks[i - 1]) + 1) % order.Count, order.IndexOf(picks[i]));
        }

        Assert.All(picks.GroupBy(p => p), g => Assert.Equal(3, g.Count()));
    }

    [Fact]
    public void A_push_that_changes_only_another_service_keeps_this_services_routes()
    {
        var registry = new MeshRegistry(Snapshot(1, otherPods: 1));
        var router = new MeshRouter(registry, RouterRules.Parse(CanaryRules));
        router.Route(new RouteRequest("reviews"));
        var before = router.State.GetRoutes("reviews", null);

        registry.Replace(Clusters(otherPods: 2));
        router.Route(new RouteRequest("reviews"));
        Assert.Same(before, router.State.GetRoutes("reviews", null));

        // A change to reviews itself rebuilds its routes.
        registry.Replace(Clusters(otherPods: 2, reviewsPods: 9));
        router.Route(new RouteRequest("reviews"));
        Assert.NotSame(before, router.State.GetRoutes("reviews", null));
    }

    [Fact]
    public void Round_robin_keeps_its_position_modulo_the_new_count_when_an_endpoint_leaves()
    {
        var registry = new MeshRegistry(Snapshot(1, otherPods: 1));
        var router = new MeshRouter(registry, options: new MeshRouterOptions { RoundRobinStart = 0 });
        var first = Enumerable.Range(0, 13).Select(_ => router.Route(new RouteRequest("reviews")).Endpoint!.Address).ToList();
        Assert.Equal("10.1.0.3", first[^1]);

        // Nine endpoints now: the 14th call is position 13, 13 mod 9 = 4, the fifth endpoint.
        registry.Replace(Clusters(otherPods: 1, reviewsPods: 9));
        Assert.Equal("10.1.0.5", router.Route(new RouteRequest("reviews")).Endpoint!.Address);
    }

    [Fact]
    public void A_rule_reload_with_the_same_weights_continues_the_sequence_and_changed_weights_start_fresh()
    {
        var undisturbed = new MeshRouter(new MeshRegistry(Snapshot(1, otherPods: 1)), RouterRules.Parse(CanaryRules));
        var expected = Enumerable.Range(0, 20).Select(_ => Version(undisturbed)).ToList();

        var reloaded = new MeshRouter(new MeshRegistry(Snapshot(1, otherPods: 1)), RouterRules.Parse(CanaryRules));
        var actual = Enumerable.Range(0, 7).Select(_ => Version(reloaded)).ToList();
        reloaded.UpdateRules(RouterRules.Parse(CanaryRules));
        actual.AddRange(Enumerable.Range(0, 13).Select(_ => Version(reloaded)));
        Assert.Equal(expected, actual);

        // 80/20 is a new rule: its smooth sequence starts at the beginning (v1, v1, v2, v1, v1), not at position 20.
        reloaded.UpdateRules(RouterRules.Parse(CanaryRules.Replace("90", "80", StringComparison.Ordinal).Replace("10}", "20}", StringComparison.Ordinal)));
        Assert.Equal(["v1", "v1", "v2", "v1", "v1"], Enumerable.Range(0, 5).Select(_ => Version(reloaded)));
    }

    [Fact]
    public void Each_router_starts_its_round_robin_at_a_random_position()
    {
        var firsts = Enumerable.Range(1, 6)
            .Select(seed => new MeshRouter(new MeshRegistry(Snapshot(1, otherPods: 1)), options: MeshFixtures.WithRandom(seed)))
            .Select(router => router.Route(new RouteRequest("reviews")).Endpoint!.Address)
            .ToHashSet();
        Assert.True(firsts.Count > 1, "every router started its rotation at the same endpoint");
    }

    [Fact]
    public async Task Threads_deciding_while_pushes_and_rule_reloads_happen_keep_the_split_exact()
    {
        var registry = new MeshRegistry(Snapshot(1, otherPods: 1));
        var router = new MeshRouter(registry, RouterRules.Parse(CanaryRules));
        const int threads = 4;
        const int callsPerThread = 2_500;
        using var stop = new CancellationTokenSource();
        var pushes = 0;
        var churning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var churn = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref pushes);
                registry.Replace(Clusters(otherPods: 1 + (n % 5)));
                if (n % 3 == 0)
                {
                    router.UpdateRules(RouterRules.Parse(CanaryRules));
                }

                churning.TrySetResult();
            }
        });
        var deciders = Enumerable.Range(0, threads).Select(_ => Task.Run(async () =>
        {
            // Decide only while pushes happen: start after the first one, and every 250 calls let at least one more
            // land before going on (on 2 cores the deciders could otherwise finish before the churn is scheduled).
            await churning.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var v2 = 0;
            for (var i = 0; i < callsPerThread; i++)
            {
                if (i % 250 == 0)
                {
                    var seen = Volatile.Read(ref pushes);
                    Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref pushes) > seen, TimeSpan.FromSeconds(30)), "the pushes stopped");
                }

                v2 += router.Route(new RouteRequest("reviews")).Endpoint!.Labels["version"] == "v2" ? 1 : 0;
            }

            return v2;
        })).ToArray();
        var counts = await Task.WhenAll(deciders).WaitAsync(TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await churn.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(Volatile.Read(ref pushes) > 1, "no push happened during the calls");
        Assert.InRange(counts.Sum(), (threads * callsPerThread / 10) - 1, (threads * callsPerThread / 10) + 1);
    }

    [Fact]
    public void Calls_to_many_unknown_hosts_keep_a_bounded_cache()
    {
        var router = new MeshRouter(new MeshRegistry(Snapshot(1, otherPods: 1)));
        for (var i = 0; i < 20_000; i++)
        {
            Assert.Equal(RouteFailure.ServiceNotFound, router.Route(new RouteRequest($"external-{i}.example.com")).Failure);
        }

        Assert.True(router.Route(new RouteRequest("reviews")).Succeeded);
        Assert.InRange(router.State.Count, 1, RouterState.MaxRememberedFailures + 1);
        Assert.Equal(1, router.Context.RoutesCount);
    }

    [Fact]
    public async Task State_of_a_service_that_left_is_pruned_after_the_swap_off_the_request_thread()
    {
        var registry = new MeshRegistry(Snapshot(1, otherPods: 2));
        var router = new MeshRouter(registry, options: new MeshRouterOptions { DefaultStrategy = MeshClient.LoadBalancing.LoadBalancingStrategy.SessionStickiness, SessionHeaderName = "x-session" });
        Assert.True(router.Route(new RouteRequest("ratings"), MeshFixtures.Headers(("x-session", "s1"))).Succeeded);
        Assert.True(router.Route(new RouteRequest("reviews"), MeshFixtures.Headers(("x-session", "s1"))).Succeeded);
        Assert.Equal(2, router.Context.Balancers.Count);
        Assert.Equal(2, router.Context.SessionTableCount);
        Assert.Equal(12, router.Context.StatisticsCount);

        registry.Replace([.. Clusters(otherPods: 2).Where(c => !c.Name.EndsWith(OtherHost, StringComparison.Ordinal))]);
        Assert.True(router.Route(new RouteRequest("reviews")).Succeeded);
        await router.Context.Pruned.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, router.Context.Balancers.Count);
        Assert.Equal(1, router.Context.SessionTableCount);
        Assert.Equal(1, router.Context.RoutesCount);
        Assert.Equal(10, router.Context.StatisticsCount);
    }

    internal static void AssertEveryWindowHoldsShare(IReadOnlyList<string> picks, string value, int oneIn)
    {
        foreach (var window in new[] { 10, 37, 100 })
        {
            for (var start = 0; start + window <= picks.Count; start++)
            {
                var count = 0;
                for (var i = start; i < start + window; i++)
                {
                    count += picks[i] == value ? 1 : 0;
                }

                Assert.True(
                    Math.Abs((count * oneIn) - window) <= oneIn,
                    $"calls {start}..{start + window - 1}: {count} of {window} went to {value}, expected {window / (double)oneIn:0.#} ±1");
            }
        }
    }

    private static string Version(MeshRouter router) => router.Route(new RouteRequest("reviews")).Endpoint!.Labels["version"];

    private static MeshEndpoint[] Pods(int count = 10) =>
        [.. Enumerable.Range(1, count).Select(i => MeshFixtures.Endpoint($"10.1.0.{i}", labels: MeshFixtures.Labels(("version", i == 1 ? "v2" : "v1"))))];

    private static RegistrySnapshot Snapshot(long version, int otherPods) => new(version, Clusters(otherPods));

    private static IEnumerable<MeshCluster> Clusters(int otherPods, int reviewsPods = 10) =>
    [
        MeshFixtures.Cluster(MeshFixtures.ReviewsHost, string.Empty, Pods(reviewsPods)),
        MeshFixtures.Cluster(OtherHost, string.Empty, [.. Enumerable.Range(1, otherPods).Select(i => MeshFixtures.Endpoint($"10.2.0.{i}"))]),
    ];
}
