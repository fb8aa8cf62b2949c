using MeshClient.Routing;

namespace MeshClient.Tests.Routing;

public sealed class VersionLabelComparerTests
{
    [Theory]
    [InlineData("v2", "v1")]
    [InlineData("v10", "v9")]
    [InlineData("1.10.0", "1.9.9")]
    [InlineData("v1.2.10", "v1.2.9")]
    [InlineData("1.0.0", "1.0.0-rc1")]
    [InlineData("1.0.0-rc.10", "1.0.0-rc.9")]
    [InlineData("2", "1.99")]
    [InlineData("1.0.1", "1")]
    [InlineData("canary", "v3")]
    public void Later_versions_compare_greater(string later, string earlier)
    {
        Assert.True(VersionLabelComparer.Instance.Compare(later, earlier) > 0);
        Assert.True(VersionLabelComparer.Instance.Compare(earlier, later) < 0);
    }

    [Fact]
    public void Build_metadata_is_ignored_for_order_but_ties_stay_deterministic()
    {
        Assert.True(VersionLabelComparer.Instance.Compare("1.0.0+b2", "0.9.0") > 0);
        Assert.Equal(0, VersionLabelComparer.Instance.Compare("v1", "v1"));
        Assert.NotEqual(0, VersionLabelComparer.Instance.Compare("v1", "1"));
    }
}
