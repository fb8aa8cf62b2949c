using System.Collections.Immutable;
using CsCheck;
using MeshClient.Registry;
using MeshClient.Tests.Registry;
using MeshClient.Xds.Protocol;

namespace MeshClient.Tests.Xds.Protocol;

/// <summary>
/// Partial pushes into a state of 10,000 clusters: the registry after any sequence of per-resource changes equals the
/// registry built from scratch from the final state, and every cluster and service a push did not touch is the same
/// object as before it.
/// </summary>
public sealed class XdsResourceCacheScaleTests
{
    private const int Services = 10_000;

    [Fact]
    public void Pushes_into_ten_thousand_clusters_give_the_state_built_from_scratch()
    {
        // A push: some EDS changes, some clusters added, removed or changed (policy, EDS name), as one response each.
        var change = Gen.Select(Gen.Int[0, 5], Gen.Int[0, Services + 20], Gen.Int[0, 4]).Select((kind, service, generation) => (Kind: kind, Service: service, Generation: generation));
        var pushes = change.Array[1, 5].Array[1, 8];

        pushes.Sample(steps =>
        {
            var (cache, registry) = FullState();
            var clusters = Enumerable.Range(0, Services).ToDictionary(s => Name(s), s => EdsCluster(s), StringComparer.Ordinal);
            var assignments = Enumerable.Range(0, Services).ToDictionary(s => Name(s), s => Pods(s, 0), StringComparer.Ordinal);
            foreach (var push in steps)
            {
                foreach (var (kind, service, generation) in push)
                {
                    var name = Name(service);
                    switch (kind)
                    {
                        case 0 or 1:
                            var assignment = new DecodedLoadAssignment(name, Pods(service, generation));
                            cache.UpsertAssignment(assignment);
                            assignments[name] = assignment.Endpoints;
                            break;
                        case 2:
                            cache.RemoveCluster(name);
                            clusters.Remove(name);
                            break;
                        case 3:
                            var added = EdsCluster(service, generation % 2 == 0 ? ClusterLoadBalancerPolicy.RoundRobin : ClusterLoadBalancerPolicy.LeastRequest);
                            cache.UpsertCluster(added);
                            clusters[name] = added;
                            break;
                        case 4:
                            var inline = new DecodedCluster(name, ClusterLoadBalancerPolicy.Random, null, Pods(service, generation + 7));
                            cache.UpsertCluster(inline);
                            clusters[name] = inline;
                            break;
                        default:
                            cache.RemoveAssignment(name);
                            assignments.Remove(name);
                            break;
                    }
                }

                cache.PublishTo(registry);
                foreach (var unused in assignments.Keys.Where(n => !clusters.Values.Any(c => c.EdsServiceName == n)).ToList())
                {
                    assignments.Remove(unused);
                }
            }

            var scratch = new XdsResourceCache();
            scratch.ReplaceClusters([.. clusters.Values]);
            scratch.ApplyAssignments(assignments.Select(a => new DecodedLoadAssignment(a.Key, a.Value)));
            var expected = new MeshRegistry();
            scratch.PublishTo(expected);
            SnapshotEquivalence.AssertSameContent(expected.Current, registry.Current);
            Assert.Equal(scratch.EndpointCount, cache.EndpointCount);
            Assert.Equal<string>(scratch.EdsServiceNames, cache.EdsServiceNames);
        }, iter: 4, threads: 1);
    }

    [Fact]
    public void A_one_cluster_push_shares_every_other_cluster_and_service_and_changes_only_its_own()
    {
        var (cache, registry) = FullState();
        var before = registry.Current;

        cache.UpsertAssignment(new DecodedLoadAssignment(Name(777), Pods(777, 3)));
        var after = cache.PublishTo(registry);

        Assert.NotNull(after);
        Assert.Equal(before.Version + 1, after.Version);
        var changed = 0;
        foreach (var (name, cluster) in before.Clusters)
        {
            if (!ReferenceEquals(cluster, after.Clusters[name]))
            {
                changed++;
                Assert.Equal(Name(777), name);
            }
        }

        Assert.Equal(1, changed);
        Assert.Equal("10.3.3.27", after.Clusters[Name(777)].Endpoints[0].Address);
        for (var s = 0; s < Services; s += 101)
        {
            Assert.True(before.TryFindService(Host(s), 8080, "default", out var was));
            Assert.True(after.TryFindService(Host(s), 8080, "default", out var now));
            Assert.Same(was, now);
        }

        Assert.True(after.TryFindService(Host(777), 8080, "default", out var moved));
        Assert.Same(after.Clusters[Name(777)], moved.AllEndpoints);
    }

    [Fact]
    public void A_push_that_repeats_what_the_registry_holds_publishes_nothing_and_keeps_the_endpoint_objects()
    {
        var (cache, registry) = FullState();
        var before = registry.Current;

        Assert.False(cache.UpsertAssignment(new DecodedLoadAssignment(Name(5), Pods(5, 0))));
        Assert.False(cache.UpsertCluster(EdsCluster(5)));

        Assert.Null(cache.PublishTo(registry));
        Assert.Same(before, registry.Current);
    }

    [Fact]
    public void A_name_that_moves_to_another_cluster_in_one_response_keeps_its_endpoints()
    {
        var cache = new XdsResourceCache();
        cache.ReplaceClusters([new DecodedCluster("a", ClusterLoadBalancerPolicy.RoundRobin, "shared", ImmutableArray<MeshEndpoint>.Empty)]);
        cache.UpsertAssignment(new DecodedLoadAssignment("shared", Pods(1, 0)));

        cache.ReplaceClusters([
            new DecodedCluster("a", ClusterLoadBalancerPolicy.RoundRobin, null, ImmutableArray<MeshEndpoint>.Empty),
            new DecodedCluster("b", ClusterLoadBalancerPolicy.RoundRobin, "shared", ImmutableArray<MeshEndpoint>.Empty),
        ]);
        var registry = new MeshRegistry();
        cache.PublishTo(registry);

        Assert.True(registry.Current.Clusters["b"].EndpointsReceived);
        Assert.Equal(10, registry.Current.Clusters["b"].Endpoints.Length);
        Assert.Equal<string>(["shared"], cache.EdsServiceNames);
        Assert.Equal(10, cache.EndpointCount);
    }

    private static (XdsResourceCache Cache, MeshRegistry Registry) FullState()
    {
        var cache = new XdsResourceCache();
        cache.ReplaceClusters([.. Enumerable.Range(0, Services).Select(s => EdsCluster(s))]);
        cache.ApplyAssignments(Enumerable.Range(0, Services).Select(s => new DecodedLoadAssignment(Name(s), Pods(s, 0))));
        var registry = new MeshRegistry();
        cache.PublishTo(registry);
        return (cache, registry);
    }

    private static string Host(int service) => $"svc{service}.ns{service % 50}.svc.cluster.local";

    private static string Name(int service) => $"outbound|8080||{Host(service)}";

    private static DecodedCluster EdsCluster(int service, ClusterLoadBalancerPolicy policy = ClusterLoadBalancerPolicy.RoundRobin) =>
        new(Name(service), policy, Name(service), ImmutableArray<MeshEndpoint>.Empty);

    private static ImmutableArray<MeshEndpoint> Pods(int service, int generation) =>
    [
        .. Enumerable.Range(0, 10).Select(pod => new MeshEndpoint(
            $"10.{generation}.{service / 250 % 256}.{(service % 250) + pod}",
            8080,
            labels: new Dictionary<string, string> { ["app"] = $"svc{service}", ["version"] = pod < 7 ? "v1" : "v2" })),
    ];
}
