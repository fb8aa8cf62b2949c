using System.Collections.Immutable;
using MeshClient.Registry;

namespace MeshClient.Tests.Registry;

public sealed class RegistrySnapshotLookupTests
{
    private static readonly RegistrySnapshot Snapshot = new(1, [
        Cluster("outbound|9080||reviews.default.svc.cluster.local"),
        Cluster("outbound|9080|v1|reviews.default.svc.cluster.local"),
        Cluster("outbound|9080|v2|reviews.default.svc.cluster.local"),
        Cluster("outbound|9080||reviews.staging.svc.cluster.local"),
        Cluster("outbound|9080||ratings.default.svc.cluster.local"),
        Cluster("outbound|9443||ratings.default.svc.cluster.local"),
        Cluster("outbound|8080||reviews-admin.default.svc.cluster.local"),
        Cluster("inbound|9080||details.default.svc.cluster.local"),
        Cluster("outbound|443||httpbin.org"),
        Cluster("BlackHoleCluster"),
    ]);

    [Theory]
    [InlineData("reviews")]
    [InlineData("reviews:9080")]
    [InlineData("reviews.default")]
    [InlineData("reviews.default:9080")]
    [InlineData("reviews.default.svc")]
    [InlineData("reviews.default.svc:9080")]
    [InlineData("reviews.default.svc.cluster.local")]
    [InlineData("reviews.default.svc.cluster.local:9080")]
    [InlineData("REVIEWS.Default")]
    public void Finds_a_service_by_every_name_form(string name)
    {
        Assert.True(Snapshot.TryFindService(name, "default", out var service));

        Assert.Equal("reviews.default.svc.cluster.local", service.Host);
        Assert.Equal("reviews", service.Name);
        Assert.Equal("default", service.Namespace);
        Assert.Equal(9080, service.Port);
        Assert.Equal("outbound|9080||reviews.default.svc.cluster.local", service.AllEndpoints?.Name);
        Assert.Equal(["v1", "v2"], service.Subsets.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_bare_name_resolves_in_the_default_namespace()
    {
        Assert.True(Snapshot.TryFindService("reviews", "staging", out var staging));
        Assert.Equal("reviews.staging.svc.cluster.local", staging.Host);
        Assert.Empty(staging.Subsets);

        Assert.False(Snapshot.TryFindService("reviews", "prod", out _));
    }

    [Theory]
    [InlineData("reviews.prod")]
    [InlineData("reviews.prod.svc.cluster.local")]
    [InlineData("reviews:9081")]
    [InlineData("reviews:http")]
    [InlineData("details")]
    [InlineData("BlackHoleCluster")]
    public void Wrong_namespace_port_direction_or_plain_cluster_finds_nothing(string name)
    {
        Assert.False(Snapshot.TryFindService(name, "default", out var service));
        Assert.Null(service);
    }

    [Theory]
    [InlineData("rev")]
    [InlineData("review")]
    [InlineData("reviews-ad")]
    [InlineData("reviews.def")]
    [InlineData("reviews.default.svc.cluster")]
    public void Never_matches_a_prefix(string name)
    {
        Assert.False(Snapshot.TryFindService(name, "default", out _));
    }

    [Fact]
    public void A_service_with_several_ports_needs_the_port()
    {
        Assert.False(Snapshot.TryFindService("ratings", "default", out _));
        Assert.Equal([9080, 9443], Snapshot.GetServicePorts("ratings", "default").Select(s => s.Port).Order());

        Assert.True(Snapshot.TryFindService("ratings:9443", "default", out var tls));
        Assert.Equal(9443, tls.Port);
        Assert.True(Snapshot.TryFindService("ratings.default", 9080, "default", out var plain));
        Assert.Equal(9080, plain.Port);
    }

    [Fact]
    public void A_host_outside_kubernetes_is_found_by_its_exact_name()
    {
        Assert.True(Snapshot.TryFindService("httpbin.org:443", "default", out var service));
        Assert.Null(service.Namespace);
        Assert.False(Snapshot.TryFindService("httpbin", "default", out _));
    }

    private static MeshCluster Cluster(string name) =>
        new(name, ImmutableArray.Create(new MeshEndpoint("10.0.0.1", 9080)));
}
