using Google.Protobuf.WellKnownTypes;
using MeshClient.Registry;
using MeshClient.Xds.Protos.Core;
using MeshClient.Xds.Protos.Endpoint;
using static MeshClient.Tests.Xds.Protocol.XdsFixtures;

namespace MeshClient.Tests.Xds.Protocol;

public sealed class AdsClientEndpointTests
{
    [Fact]
    public async Task Endpoints_carry_health_weight_locality_priority_and_labels()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "1", "n1", EdsCluster(Reviews)));

        var v1 = Endpoint("10.1.0.1", 9080, HealthStatus.Healthy, weight: 3);
        v1.Metadata = new Metadata();
        v1.Metadata.FilterMetadata["envoy.lb"] = new Struct
        {
            Fields = { ["version"] = Value.ForString("v1"), ["team"] = Value.ForString("lb"), ["canary"] = Value.ForBool(true) },
        };
        v1.Metadata.FilterMetadata["istio"] = new Struct
        {
            Fields =
            {
                ["workload"] = Value.ForString("reviews-v1;default;reviews;v1;Kubernetes"),
                ["labels"] = Value.ForStruct(new Struct { Fields = { ["team"] = Value.ForString("istio"), ["debug"] = Value.ForString("true") } }),
            },
        };
        var draining = Endpoint("10.1.0.2", 9080, HealthStatus.Draining);
        var unknown = Endpoint("10.1.0.3", 9080, HealthStatus.Unknown);
        var assignment = new ClusterLoadAssignment { ClusterName = Reviews };
        assignment.Endpoints.Add(new LocalityLbEndpoints
        {
            Locality = new Locality { Region = "eu-west1", Zone = "eu-west1-b", SubZone = "rack-7" },
            LoadBalancingWeight = 5,
            Priority = 1,
            LbEndpoints = { v1, draining },
        });
        assignment.Endpoints.Add(new LocalityLbEndpoints { LbEndpoints = { unknown } });

        var ack = await ads.SendAsync(call, Response(ads.EndpointType, "e1", "n2", assignment));

        Assert.Null(ack.ErrorDetail);
        var cluster = ads.Registry.Current.Clusters[Reviews];
        Assert.True(cluster.EndpointsReceived);
        Assert.Equal(3, cluster.Endpoints.Length);
        var first = cluster.Endpoints[0];
        Assert.Equal("10.1.0.1", first.Address);
        Assert.Equal(9080, first.Port);
        Assert.Equal(EndpointHealth.Healthy, first.Health);
        Assert.Equal(3u, first.Weight);
        Assert.Equal(new EndpointLocality("eu-west1", "eu-west1-b", "rack-7"), first.Locality);
        Assert.Equal(5u, first.LocalityWeight);
        Assert.Equal(1u, first.Priority);
        Assert.Equal(
            new Dictionary<string, string> { ["version"] = "v1", ["team"] = "istio", ["debug"] = "true" }.OrderBy(p => p.Key),
            first.Labels.OrderBy(p => p.Key));

        var second = cluster.Endpoints[1];
        Assert.Equal(EndpointHealth.Draining, second.Health);
        Assert.False(second.IsRoutable);
        Assert.Equal(1u, second.Weight);
        Assert.Empty(second.Labels);

        var third = cluster.Endpoints[2];
        Assert.Equal(EndpointHealth.Unknown, third.Health);
        Assert.True(third.IsRoutable);
        Assert.Equal(EndpointLocality.None, third.Locality);
        Assert.Equal(1u, third.LocalityWeight);
        Assert.Equal(0u, third.Priority);
    }

    [Fact]
    public async Task Partial_eds_response_updates_only_the_clusters_it_holds()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "1", "n1", EdsCluster(Reviews), EdsCluster(Ratings)));
        await ads.SendAsync(call, Response(ads.EndpointType, "e1", "n2", Assignment(Reviews, Endpoint("10.1.0.1", 9080)), Assignment(Ratings, Endpoint("10.2.0.1", 9080))));
        var ratingsBefore = ads.Registry.Current.Clusters[Ratings];

        var ack = await ads.SendAsync(call, Response(ads.EndpointType, "e2", "n3", Assignment(Reviews, Endpoint("10.1.0.1", 9080), Endpoint("10.1.0.9", 9080))));

        Assert.Equal("e2", ack.VersionInfo);
        Assert.Equal(2, ads.Registry.Current.Clusters[Reviews].Endpoints.Length);
        var ratings = ads.Registry.Current.Clusters[Ratings];
        Assert.True(ratings.EndpointsReceived);
        Assert.Equal(ratingsBefore.Endpoints, ratings.Endpoints);
    }

    [Fact]
    public async Task Eds_resources_that_were_not_requested_are_ignored_but_the_response_is_acked()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "1", "n1", EdsCluster(Reviews)));
        var version = ads.Registry.Version;

        var ack = await ads.SendAsync(call, Response(ads.EndpointType, "e1", "n2", Assignment("outbound|80||not-requested.default.svc.cluster.local", Endpoint("10.3.0.1", 0))));

        Assert.Equal("e1", ack.VersionInfo);
        Assert.Null(ack.ErrorDetail);
        Assert.Equal(version, ads.Registry.Version);
        Assert.False(ads.Registry.Current.Clusters.ContainsKey("outbound|80||not-requested.default.svc.cluster.local"));
        Assert.False(ads.Registry.Current.Clusters[Reviews].EndpointsReceived);
    }

    [Fact]
    public async Task An_empty_assignment_clears_the_endpoints_but_marks_them_received()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "1", "n1", EdsCluster(Reviews)));
        await ads.SendAsync(call, Response(ads.EndpointType, "e1", "n2", Assignment(Reviews, Endpoint("10.1.0.1", 9080))));

        await ads.SendAsync(call, Response(ads.EndpointType, "e2", "n3", Assignment(Reviews)));

        var cluster = ads.Registry.Current.Clusters[Reviews];
        Assert.True(cluster.EndpointsReceived);
        Assert.Empty(cluster.Endpoints);
    }
}
