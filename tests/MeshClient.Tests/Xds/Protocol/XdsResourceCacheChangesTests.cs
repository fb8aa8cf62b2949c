using System.Collections.Immutable;
using CsCheck;
using MeshClient.Registry;
using MeshClient.Xds.Protocol;

namespace MeshClient.Tests.Xds.Protocol;

/// <summary>
/// The O(changed) operations of the cache: the totals a delta CDS change would leave (for the limit checks) and the
/// EDS names a CDS change gains and loses (for the subscription), each against what the change really does.
/// </summary>
public sealed class XdsResourceCacheChangesTests
{
    // Ten cluster names; a cluster is EDS (one of four shared EDS names) or inline (0 to 3 endpoints).
    private static readonly Gen<DecodedCluster> AnyCluster =
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, 5], Gen.Int[0, 3]).Select((name, kind, inline) => Cluster(name, kind, inline));

    private static readonly Gen<(DecodedCluster[] Upserts, int[] Removed)> AnyChange =
        Gen.Select(AnyCluster.Array[0, 4], Gen.Int[0, 11].Array[0, 3]);

    [Fact]
    public void Counts_after_a_change_are_those_the_change_leaves()
    {
        var gen = Gen.Select(AnyCluster.Array[0, 8], Gen.Int[0, 6].Array[4, 4], AnyChange.Array[1, 5]);
        gen.Sample((initial, sizes, changes) =>
        {
            var cache = new XdsResourceCache();
            cache.ReplaceClusters(Distinct(initial));
            for (var e = 0; e < sizes.Length; e++)
            {
                // Size 6 stands for "no assignment received yet".
                if (sizes[e] < 6)
                {
                    cache.UpsertAssignment(new DecodedLoadAssignment(EdsName(e), Pods(sizes[e])));
                }
            }

            foreach (var (upserts, removedIndexes) in changes)
            {
                var removed = removedIndexes.Select(ClusterName).ToHashSet(StringComparer.Ordinal);
                var predicted = cache.CountAfterChanges(upserts, removed);

                cache.ApplyClusterChanges(upserts, removed);

                var built = cache.BuildClusters();
                Assert.Equal(built.Count, predicted.Clusters);
                Assert.Equal(built.Sum(c => (long)c.Endpoints.Length), predicted.Endpoints);
                Assert.Equal(predicted.Endpoints, cache.EndpointCount);
            }
        }, iter: 300, threads: 1);
    }

    [Fact]
    public void Counting_a_change_changes_nothing()
    {
        var cache = new XdsResourceCache();
        cache.ReplaceClusters([Cluster(0, kind: 0, inline: 0), Cluster(1, kind: 4, inline: 2)]);
        cache.UpsertAssignment(new DecodedLoadAssignment(EdsName(0), Pods(3)));

        var counts = cache.CountAfterChanges([Cluster(2, kind: 5, inline: 3)], new HashSet<string>([ClusterName(0)], StringComparer.Ordinal));

        Assert.Equal((2, 5L), counts);
        Assert.Equal(2, cache.ClusterCount);
        Assert.Equal(5, cache.EndpointCount);
        Assert.Equal(["c0", "c1"], cache.BuildClusters().Select(c => c.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_eds_names_a_change_gains_and_loses_move_a_subscription_to_the_names_the_clusters_use()
    {
        var gen = Gen.Select(AnyCluster.Array[0, 8], AnyChange.Array[1, 6], Gen.Bool.Array[6, 6]);
        gen.Sample((initial, changes, full) =>
        {
            var cache = new XdsResourceCache();
            var subscribed = new SortedSet<string>(StringComparer.Ordinal);
            cache.ReplaceClusters(Distinct(initial));
            Follow(cache, subscribed);

            for (var i = 0; i < changes.Length; i++)
            {
                var (upserts, removedIndexes) = changes[i];
                var removed = removedIndexes.Select(ClusterName).ToHashSet(StringComparer.Ordinal);
                if (full[i])
                {
                    // A state-of-the-world response: the full set of the change's clusters.
                    cache.ReplaceClusters(Distinct(upserts));
                }
                else
                {
                    cache.ApplyClusterChanges(upserts, removed);
                }

                Follow(cache, subscribed);
            }
        }, iter: 300, threads: 1);
    }

    [Fact]
    public void A_name_lost_and_gained_again_within_one_change_is_no_change()
    {
        var cache = new XdsResourceCache();
        cache.ReplaceClusters([Cluster(0, kind: 1, inline: 0)]);
        AssertChanges(cache, [EdsName(1)], []);

        // c0 moves from e1 to inline and c1 takes e1 over: e1 is still used.
        cache.ApplyClusterChanges([Cluster(0, kind: 4, inline: 1), Cluster(1, kind: 1, inline: 0)], new HashSet<string>(StringComparer.Ordinal));
        AssertChanges(cache, [], []);

        cache.ApplyClusterChanges([], new HashSet<string>([ClusterName(1)], StringComparer.Ordinal));
        AssertChanges(cache, [], [EdsName(1)]);
        AssertChanges(cache, [], []);
    }

    private static void Follow(XdsResourceCache cache, SortedSet<string> subscribed)
    {
        var (gained, lost) = cache.TakeEdsNameChanges();
        Assert.Empty(gained.Intersect(lost));
        Assert.All(gained, name => Assert.DoesNotContain(name, subscribed));
        Assert.All(lost, name => Assert.Contains(name, subscribed));
        subscribed.UnionWith(gained);
        subscribed.ExceptWith(lost);
        Assert.Equal<string>(cache.EdsServiceNames, subscribed);
    }

    private static void AssertChanges(XdsResourceCache cache, string[] gained, string[] lost)
    {
        var changes = cache.TakeEdsNameChanges();
        Assert.Equal(gained, changes.Gained.Order(StringComparer.Ordinal));
        Assert.Equal(lost, changes.Lost.Order(StringComparer.Ordinal));
    }

    private static List<DecodedCluster> Distinct(IEnumerable<DecodedCluster> clusters) =>
        [.. clusters.GroupBy(c => c.Name, StringComparer.Ordinal).Select(g => g.Last())];

    private static DecodedCluster Cluster(int name, int kind, int inline) => kind < 4
        ? new DecodedCluster(ClusterName(name), ClusterLoadBalancerPolicy.RoundRobin, EdsName(kind), ImmutableArray<MeshEndpoint>.Empty)
        : new DecodedCluster(ClusterName(name), kind == 4 ? ClusterLoadBalancerPolicy.RoundRobin : ClusterLoadBalancerPolicy.Random, null, Pods(inline));

    private static string ClusterName(int name) => $"c{name}";

    private static string EdsName(int index) => $"e{index}";

    private static ImmutableArray<MeshEndpoint> Pods(int count) => [.. Enumerable.Range(0, count).Select(i => new MeshEndpoint($"10.0.0.{i + 1}", 8080))];
}
