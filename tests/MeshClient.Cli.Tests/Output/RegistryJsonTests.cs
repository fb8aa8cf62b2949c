using System.Collections.Immutable;
using MeshClient.Cli.Output;
using MeshClient.Registry;

namespace MeshClient.Cli.Tests.Output;

public sealed class RegistryJsonTests
{
    [Fact]
    public void Writes_the_documented_shape()
    {
        var cluster = new MeshCluster(
            "outbound|9080|v1|reviews.default.svc.cluster.local",
            [new MeshEndpoint("10.1.0.1", 9080)]);

        Assert.Equal(
            """{"clusters":[{"name":"outbound|9080|v1|reviews.default.svc.cluster.local","direction":"outbound","service":"reviews","namespace":"default","port":9080,"subset":"v1","localityWeighted":false,"endpoints":[{"address":"10.1.0.1","port":9080,"health":"HEALTHY","weight":1,"priority":0,"locality":{"region":"","zone":"","subZone":""},"localityWeight":1,"labels":{}}]}]}""",
            RegistryJson.Write([cluster]));
    }

    [Fact]
    public void Names_that_are_not_istio_shaped_have_null_parts()
    {
        var json = RegistryJson.Write([new MeshCluster("BlackHoleCluster", ImmutableArray<MeshEndpoint>.Empty)]);
        Assert.Equal("""{"clusters":[{"name":"BlackHoleCluster","direction":null,"service":null,"namespace":null,"port":null,"subset":null,"localityWeighted":false,"endpoints":[]}]}""", json);
    }

    [Fact]
    public void Reads_back_what_it_writes()
    {
        var endpoint = new MeshEndpoint("10.1.0.2", 9080, EndpointHealth.Draining, 3, new EndpointLocality("eu", "eu-1a", "rack1"), 1, 1, new Dictionary<string, string> { ["version"] = "v2" });
        var json = RegistryJson.Write([new MeshCluster("outbound|9080|v2|reviews.default.svc.cluster.local", [endpoint])]);

        var snapshot = RegistryJson.Read("registry.json", json);
        var read = Assert.Single(Assert.Single(snapshot.Clusters.Values).Endpoints);
        Assert.Equal("10.1.0.2", read.Address);
        Assert.Equal(EndpointHealth.Draining, read.Health);
        Assert.Equal(3u, read.Weight);
        Assert.Equal(1u, read.Priority);
        Assert.Equal(new EndpointLocality("eu", "eu-1a", "rack1"), read.Locality);
        Assert.Equal("v2", read.Labels["version"]);
        Assert.True(snapshot.TryFindService("reviews:9080", "default", out var service));
        Assert.True(service.Subsets.ContainsKey("v2"));
    }

    [Fact]
    public void A_locality_weighted_cluster_and_its_locality_weights_read_back()
    {
        var endpoints = ImmutableArray.Create(
            new MeshEndpoint("10.1.0.1", 9080, locality: new EndpointLocality("eu", "eu-1a", string.Empty), localityWeight: 3, priority: 0),
            new MeshEndpoint("10.1.0.2", 9080, locality: new EndpointLocality("eu", "eu-1b", string.Empty), localityWeight: 1, priority: 2));
        var json = RegistryJson.Write(
        [
            new MeshCluster("outbound|9080||reviews.default.svc.cluster.local", endpoints, localityWeighted: true),
            new MeshCluster("outbound|9080|v1|reviews.default.svc.cluster.local", endpoints),
        ]);

        Assert.Contains("\"localityWeighted\":true", json, StringComparison.Ordinal);
        Assert.Contains("\"localityWeight\":3", json, StringComparison.Ordinal);
        var snapshot = RegistryJson.Read("registry.json", json);
        var weighted = snapshot.Clusters["outbound|9080||reviews.default.svc.cluster.local"];
        Assert.True(weighted.LocalityWeighted);
        Assert.False(snapshot.Clusters["outbound|9080|v1|reviews.default.svc.cluster.local"].LocalityWeighted);
        Assert.Equal([3u, 1u], weighted.Endpoints.Select(e => e.LocalityWeight));
        Assert.Equal([0u, 2u], weighted.Endpoints.Select(e => e.Priority));
    }

    [Theory]
    [InlineData("""{"clusters":[{"name":"c","localityWeighted":"yes"}]}""", "registry.json: cluster \"c\": \"localityWeighted\" must be true or false.")]
    [InlineData("{}", "registry.json: the document has no \"clusters\" array")]
    [InlineData("""{"clusters":[{"endpoints":[]}]}""", "registry.json: clusters[0]: \"name\" is missing or empty.")]
    [InlineData("""{"clusters":[{"name":"c","endpoints":[{"address":"10.0.0.1","port":0}]}]}""", "registry.json: cluster \"c\": endpoints[0]: \"port\" must be a number from 1 to 65535.")]
    [InlineData("""{"clusters":[{"name":"c","endpoints":[{"address":"10.0.0.1","port":80,"health":"SICK"}]}]}""", "registry.json: cluster \"c\": endpoints[0]: \"health\" is \"SICK\"")]
    [InlineData("""{"clusters":[{"name":"c"},{"name":"c"}]}""", "registry.json: cluster \"c\" appears more than once.")]
    [InlineData("{\n  \"clusters\": [,]\n}", "registry.json:2:")]
    public void Bad_documents_name_the_file_and_the_problem(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => RegistryJson.Read("registry.json", json));
        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }
}
