using MeshClient.Registry;

namespace MeshClient.Tests.Registry;

public sealed class IstioClusterNameTests
{
    [Fact]
    public void Parses_outbound_subset_cluster()
    {
        Assert.True(IstioClusterName.TryParse("outbound|9080|v1|reviews.default.svc.cluster.local", out var name));
        Assert.Equal("outbound", name.Direction);
        Assert.Equal(9080, name.Port);
        Assert.Equal("v1", name.Subset);
        Assert.Equal("reviews", name.Service);
        Assert.Equal("default", name.Namespace);
        Assert.Equal("reviews.default.svc.cluster.local", name.Host);
    }

    [Fact]
    public void Empty_subset_means_all_endpoints()
    {
        Assert.True(IstioClusterName.TryParse("outbound|9080||reviews.default.svc.cluster.local", out var name));
        Assert.Equal(string.Empty, name.Subset);
    }

    [Fact]
    public void Host_outside_kubernetes_has_no_namespace()
    {
        Assert.True(IstioClusterName.TryParse("outbound|443||httpbin.org", out var name));
        Assert.Equal("httpbin", name.Service);
        Assert.Null(name.Namespace);
    }

    [Theory]
    [InlineData("BlackHoleCluster")]
    [InlineData("PassthroughCluster")]
    [InlineData("outbound|0||reviews.default.svc.cluster.local")]
    [InlineData("outbound|70000||reviews.default.svc.cluster.local")]
    [InlineData("outbound|http||reviews.default.svc.cluster.local")]
    [InlineData("outbound|9080|v1|")]
    [InlineData("outbound|9080|reviews.default.svc.cluster.local")]
    [InlineData("")]
    public void Other_names_are_plain_clusters(string clusterName)
    {
        Assert.False(IstioClusterName.TryParse(clusterName, out _));
    }
}
