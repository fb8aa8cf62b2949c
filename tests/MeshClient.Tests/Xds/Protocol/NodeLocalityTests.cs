using MeshClient;
using MeshClient.Xds;
using MeshClient.Xds.Protocol;
using Microsoft.Extensions.Configuration;

namespace MeshClient.Tests.Xds.Protocol;

/// <summary>The client's own locality goes in the xDS node, so istiod's locality failover orders endpoints by distance.</summary>
public sealed class NodeLocalityTests
{
    [Fact]
    public void Mesh_node_region_zone_and_subzone_from_configuration_are_sent_in_the_nodes_locality()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mesh:Node:Region"] = "europe-west1",
            ["Mesh:Node:Zone"] = "europe-west1-b",
            ["Mesh:Node:SubZone"] = "rack-7",
        }).Build();
        var options = new MeshOptions();
        configuration.GetSection("Mesh").Bind(options);

        var node = NodeIdentity.Resolve(options.ToXdsClientOptions(), _ => null, () => "h", () => []).Node;

        Assert.Equal("europe-west1", node.Locality.Region);
        Assert.Equal("europe-west1-b", node.Locality.Zone);
        Assert.Equal("rack-7", node.Locality.SubZone);
    }

    [Theory]
    [InlineData("topology.istio.io/locality", "us-east1.us-east1-c.rack-2", "us-east1", "us-east1-c", "rack-2")]
    [InlineData("istio-locality", "us-east1/us-east1-c", "us-east1", "us-east1-c", "")]
    public void Without_options_the_istio_locality_label_of_the_workload_is_sent(string label, string value, string region, string zone, string subZone)
    {
        var options = new XdsClientOptions { Labels = new Dictionary<string, string> { [label] = value } };

        var locality = NodeIdentity.Resolve(options, _ => null, () => "h", () => []).Node.Locality;

        Assert.Equal(region, locality.Region);
        Assert.Equal(zone, locality.Zone);
        Assert.Equal(subZone, locality.SubZone);
    }

    [Fact]
    public void Options_win_over_the_label()
    {
        var options = new XdsClientOptions { Zone = "z1", Labels = new Dictionary<string, string> { ["istio-locality"] = "r.z.s" } };

        var locality = NodeIdentity.Resolve(options, _ => null, () => "h", () => []).Node.Locality;

        Assert.Equal(("", "z1", ""), (locality.Region, locality.Zone, locality.SubZone));
    }

    [Fact]
    public void Without_options_or_label_no_locality_is_sent_and_istiod_takes_the_pods_node_topology()
    {
        Assert.Null(NodeIdentity.Resolve(new XdsClientOptions(), _ => null, () => "h", () => []).Node.Locality);
    }
}
