using System.Collections.Immutable;
using CsCheck;
using MeshClient.Registry;

namespace MeshClient.Tests.Registry;

/// <summary>
/// Snapshots are persistent: a change of some clusters shares every other cluster and service port (the same objects)
/// with the snapshot before, and the result equals a snapshot built from scratch with the same clusters.
/// </summary>
public sealed class RegistrySnapshotSharingTests
{
    private static readonly string[] Hosts =
    [
        "reviews.default.svc.cluster.local", "reviews.default.svc", "ratings.default.svc.cluster.local", "ratings.prod.svc.cluster.local",
        "details.default.svc.cluster.local", "httpbin.org", "a.b.c.d.e",
    ];

    [Fact]
    public void A_change_of_one_cluster_shares_every_other_cluster_and_service_with_the_previous_snapshot()
    {
        var clusters = Enumerable.Range(0, 10_000).Select(i => Cluster($"outbound|8080||svc{i}.ns{i % 50}.svc.cluster.local", $"10.0.{i / 250}.{i % 250}")).ToList();
        var before = new RegistrySnapshot(1, clusters);
        var changed = Cluster("outbound|8080||svc4321.ns21.svc.cluster.local", "10.9.9.9");

        var after = before.With(2, [changed], []);

        Assert.Same(changed, after.Clusters[changed.Name]);
        Assert.True(after.TryFindService("svc4321.ns21", 8080, "default", out var service));
        Assert.Same(changed, service.AllEndpoints);
        Assert.True(before.TryFindService("svc4321.ns21", 8080, "default", out var old));
        Assert.NotSame(old, service);
        foreach (var (name, cluster) in before.Clusters)
        {
            if (name != changed.Name)
            {
                Assert.Same(cluster, after.Clusters[name]);
            }
        }

        for (var i = 0; i < 10_000; i += 97)
        {
            if (i == 4321)
            {
                continue;
            }

            Assert.True(before.TryFindService($"svc{i}.ns{i % 50}", 8080, "default", out var was));
            Assert.True(after.TryFindService($"svc{i}.ns{i % 50}", 8080, "default", out var now));
            Assert.Same(was, now);
        }
    }

    [Fact]
    public void A_subset_change_keeps_the_other_ports_of_the_host_and_the_all_endpoints_cluster()
    {
        var all = Cluster("outbound|9080||reviews.default.svc.cluster.local", "10.0.0.1");
        var v1 = Cluster("outbound|9080|v1|reviews.default.svc.cluster.local", "10.0.0.1");
        var admin = Cluster("outbound|9443||reviews.default.svc.cluster.local", "10.0.0.1");
        var before = new RegistrySnapshot(1, [all, v1, admin]);

        var v2 = Cluster("outbound|9080|v2|reviews.default.svc.cluster.local", "10.0.0.2");
        var after = before.With(2, [v2], [v1.Name]);

        Assert.True(after.TryFindService("reviews", 9080, "default", out var service));
        Assert.Same(all, service.AllEndpoints);
        Assert.Equal(["v2"], service.Subsets.Keys);
        Assert.Same(v2, service.Subsets["v2"]);
        Assert.True(before.TryFindService("reviews", 9443, "default", out var adminBefore));
        Assert.True(after.TryFindService("reviews", 9443, "default", out var adminAfter));
        Assert.Same(adminBefore, adminAfter);
    }

    [Fact]
    public void Removing_the_last_cluster_of_a_host_removes_the_host_and_its_short_name()
    {
        var before = new RegistrySnapshot(1, [Cluster("outbound|9080||ratings.default.svc.cluster.local", "10.0.0.1"), Cluster("outbound|9080||reviews.default.svc.cluster.local", "10.0.0.2")]);

        var after = before.With(2, [], ["outbound|9080||ratings.default.svc.cluster.local", "no-such-cluster"]);

        Assert.False(after.TryFindService("ratings", "default", out _));
        Assert.Equal(["reviews.default.svc.cluster.local"], after.ServiceHosts);
        Assert.True(before.TryFindService("ratings", "default", out _));
    }

    [Fact]
    public void Any_sequence_of_edits_gives_the_snapshot_built_from_scratch_with_the_same_clusters()
    {
        var name = Gen.Select(Gen.Int[0, Hosts.Length - 1], Gen.OneOf(9080, 9443), Gen.OneOf(string.Empty, "v1", "v2"), Gen.OneOf("outbound", "inbound"))
            .Select((host, port, subset, direction) => $"{direction}|{port}|{subset}|{Hosts[host]}");
        var edit = Gen.Select(name, Gen.Bool, Gen.Int[1, 5]).Select((n, remove, pod) => (Name: n, Remove: remove, Pod: pod));
        var batches = edit.Array[0, 6].Array[1, 12];

        batches.Sample(steps =>
        {
            var snapshot = RegistrySnapshot.Empty;
            var model = new Dictionary<string, MeshCluster>(StringComparer.Ordinal);
            var version = 0L;
            foreach (var step in steps)
            {
                var upserts = new Dictionary<string, MeshCluster>(StringComparer.Ordinal);
                var removals = new List<string>();
                foreach (var (n, remove, pod) in step.Select(e => (e.Name, e.Remove, e.Pod)))
                {
                    if (remove)
                    {
                        upserts.Remove(n);
                        removals.Add(n);
                        model.Remove(n);
                    }
                    else
                    {
                        var cluster = Cluster(n, $"10.0.0.{pod}");
                        upserts[n] = cluster;
                        model[n] = cluster;
                    }
                }

                // Removals apply before upserts: a name both removed and set in one batch ends set.
                foreach (var n in upserts.Keys)
                {
                    removals.Remove(n);
                }

                snapshot = snapshot.With(++version, upserts.Values, removals);
                SnapshotEquivalence.AssertSameContent(new RegistrySnapshot(version, model.Values), snapshot);
            }
        }, iter: 150);
    }

    private static MeshCluster Cluster(string name, string address) =>
        new(name, ImmutableArray.Create(new MeshEndpoint(address, 9080)));
}
