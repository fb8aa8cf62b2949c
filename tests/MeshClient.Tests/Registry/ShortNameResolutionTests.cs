using System.Collections.Immutable;
using MeshClient.Registry;

namespace MeshClient.Tests.Registry;

/// <summary>
/// Short names (<c>reviews</c>, <c>reviews.default</c>, <c>reviews.default.svc</c>) resolve to the Kubernetes host
/// <c>name.namespace.svc</c> plus one of the domain suffixes the snapshot holds; when several hosts exist the ordinally
/// first answers, whatever order they arrived or left in.
/// </summary>
public sealed class ShortNameResolutionTests
{
    private const string Short = "outbound|9080||reviews.default.svc";
    private const string Local = "outbound|9080||reviews.default.svc.cluster.local";
    private const string Corp = "outbound|9080||reviews.default.svc.corp.example";

    public static TheoryData<string[]> Orders => new()
    {
        new[] { Short, Local, Corp },
        new[] { Corp, Local, Short },
        new[] { Local, Corp, Short },
    };

    [Theory]
    [MemberData(nameof(Orders))]
    public void The_ordinally_first_host_answers_and_the_next_takes_over_when_it_goes(string[] order)
    {
        var snapshot = RegistrySnapshot.Empty.With(1, order.Select(Cluster), []);

        Assert.Equal("reviews.default.svc", Host(snapshot, "reviews.default"));
        Assert.Equal("reviews.default.svc", Host(snapshot, "reviews"));
        Assert.Equal("reviews.default.svc", Host(snapshot, "reviews.default.svc"));
        Assert.Equal("reviews.default.svc.corp.example", Host(snapshot, "reviews.default.svc.corp.example"));

        snapshot = snapshot.With(2, [], [Short]);
        Assert.Equal("reviews.default.svc.cluster.local", Host(snapshot, "reviews.default"));

        snapshot = snapshot.With(3, [], [Local]);
        Assert.Equal("reviews.default.svc.corp.example", Host(snapshot, "reviews"));

        snapshot = snapshot.With(4, [], [Corp]);
        Assert.Null(Host(snapshot, "reviews.default"));
    }

    [Fact]
    public void A_suffix_stays_while_any_host_has_it()
    {
        var snapshot = new RegistrySnapshot(1, [Cluster(Local), Cluster("outbound|9080||ratings.default.svc.cluster.local"), Cluster("outbound|9080|v1|ratings.default.svc.cluster.local")]);

        snapshot = snapshot.With(2, [], [Local, "outbound|9080|v1|ratings.default.svc.cluster.local"]);

        Assert.Null(Host(snapshot, "reviews"));
        Assert.Equal("ratings.default.svc.cluster.local", Host(snapshot, "ratings"));
        Assert.Equal("ratings.default.svc.cluster.local", Host(snapshot, "RATINGS.Default"));

        snapshot = snapshot.With(3, [Cluster(Local)], []);
        Assert.Equal("reviews.default.svc.cluster.local", Host(snapshot, "reviews"));
    }

    [Fact]
    public void A_host_whose_third_label_is_not_svc_is_found_only_by_its_exact_name()
    {
        var snapshot = new RegistrySnapshot(1, [Cluster("outbound|9080||reviews.default.SVC.cluster.local"), Cluster("outbound|9080||ratings.default.svcx.cluster.local")]);

        Assert.Null(Host(snapshot, "reviews.default"));
        Assert.Null(Host(snapshot, "ratings.default"));
        Assert.Equal("reviews.default.SVC.cluster.local", Host(snapshot, "reviews.default.SVC.cluster.local"));
    }

    [Fact]
    public void Equal_snapshots_resolve_alike_however_they_were_built()
    {
        var scratch = new RegistrySnapshot(1, [Cluster(Local), Cluster(Corp)]);
        var edited = RegistrySnapshot.Empty.With(1, [Cluster(Short), Cluster(Corp), Cluster(Local)], []).With(2, [], [Short]);

        Assert.Equal(Host(scratch, "reviews"), Host(edited, "reviews"));
        Assert.Equal("reviews.default.svc.cluster.local", Host(edited, "reviews"));
    }

    private static string? Host(RegistrySnapshot snapshot, string name) =>
        snapshot.TryFindService(name, "default", out var service) ? service.Host : null;

    private static MeshCluster Cluster(string name) => new(name, ImmutableArray.Create(new MeshEndpoint("10.0.0.1", 9080)));
}
