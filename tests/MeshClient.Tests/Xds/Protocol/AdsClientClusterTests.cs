using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using MeshClient.Registry;
using MeshClient.Xds.Protos.Core;
using static MeshClient.Tests.Xds.Protocol.XdsFixtures;
using Cluster = MeshClient.Xds.Protos.Cluster.Cluster;
using CircuitBreakers = MeshClient.Xds.Protos.Cluster.CircuitBreakers;

namespace MeshClient.Tests.Xds.Protocol;

public sealed class AdsClientClusterTests
{
    [Fact]
    public async Task Eds_subscription_names_exactly_the_eds_clusters_sorted_and_inline_clusters_are_read_from_their_assignment()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();

        var requests = await ads.SendAndCollectAsync(call, Response(
            ads.ClusterType,
            "1",
            "n1",
            EdsCluster(Reviews),
            EdsCluster(ReviewsV1, serviceName: "reviews-v1-endpoints"),
            InlineCluster("BlackHoleCluster", Cluster.Types.DiscoveryType.Static),
            InlineCluster("PassthroughCluster", Cluster.Types.DiscoveryType.OriginalDst),
            InlineCluster("outbound|443||api.example.com", Cluster.Types.DiscoveryType.StrictDns, Endpoint("api.example.com", 443)),
            EdsCluster(Ratings),
            EdsCluster("outbound|9091||ratings.default.svc.cluster.local", serviceName: Ratings)));

        Assert.Equal(2, requests.Count);
        var eds = requests[0];
        Assert.Equal(ads.EndpointType, eds.TypeUrl);
        Assert.Equal([Ratings, Reviews, "reviews-v1-endpoints"], eds.ResourceNames);
        Assert.Equal(string.Empty, eds.VersionInfo);
        Assert.Equal(string.Empty, eds.ResponseNonce); // no EDS response yet: EDS's own nonce is empty
        Assert.Equal(ads.ClusterType, requests[1].TypeUrl);

        var clusters = ads.Registry.Current.Clusters;
        Assert.Equal(7, clusters.Count);
        var dns = clusters["outbound|443||api.example.com"];
        Assert.True(dns.EndpointsReceived);
        Assert.Equal("api.example.com:443", Assert.Single(dns.Endpoints).ToString());
        Assert.True(clusters["BlackHoleCluster"].EndpointsReceived);
        Assert.Empty(clusters["BlackHoleCluster"].Endpoints);
        Assert.False(clusters[Reviews].EndpointsReceived);

        // One assignment feeds every cluster that names it.
        await ads.SendAsync(call, Response(ads.EndpointType, "e1", "n2", Assignment(Ratings, Endpoint("10.2.0.1", 9080))));
        Assert.Single(ads.Registry.Current.Clusters[Ratings].Endpoints);
        Assert.Single(ads.Registry.Current.Clusters["outbound|9091||ratings.default.svc.cluster.local"].Endpoints);
    }

    [Fact]
    public async Task A_cluster_missing_from_cds_is_removed_and_its_eds_name_dropped()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "1", "n1", EdsCluster(Reviews), EdsCluster(Ratings)));
        await ads.SendAsync(call, Response(ads.EndpointType, "e1", "n2", Assignment(Reviews, Endpoint("10.1.0.1", 9080)), Assignment(Ratings, Endpoint("10.2.0.1", 9080))));

        var requests = await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "2", "n3", EdsCluster(Reviews)));

        Assert.Equal(2, requests.Count);
        Assert.Equal([Reviews], requests[0].ResourceNames);
        Assert.Equal("e1", requests[0].VersionInfo);
        Assert.Equal("n2", requests[0].ResponseNonce);
        Assert.Equal(["outbound|9080||reviews.default.svc.cluster.local"], ads.Registry.Current.Clusters.Keys);

        // Re-added later, it waits for fresh endpoints instead of reviving the old ones.
        var readd = await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "3", "n4", EdsCluster(Reviews), EdsCluster(Ratings)));
        Assert.Equal([Ratings, Reviews], readd[0].ResourceNames);
        Assert.False(ads.Registry.Current.Clusters[Ratings].EndpointsReceived);
        Assert.Empty(ads.Registry.Current.Clusters[Ratings].Endpoints);
    }

    [Fact]
    public async Task Empty_cds_removes_every_cluster_and_unsubscribes_all_eds_names()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "1", "n1", EdsCluster(Reviews), InlineCluster("static", Cluster.Types.DiscoveryType.Static)));

        var requests = await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "2", "n2"));

        Assert.Equal(2, requests.Count);
        Assert.Equal(ads.EndpointType, requests[0].TypeUrl);
        Assert.Empty(requests[0].ResourceNames);
        Assert.Equal("2", requests[1].VersionInfo);
        Assert.Empty(ads.Registry.Current.Clusters);
        Assert.Equal(2, ads.Registry.Version);
    }

    [Fact]
    public async Task Cds_without_eds_clusters_sends_no_eds_request()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();

        await ads.SendAsync(call, Response(ads.ClusterType, "1", "n1", InlineCluster("static", Cluster.Types.DiscoveryType.Static)));
        await ads.SendAsync(call, Response(ads.ClusterType, "2", "n2"));

        Assert.False(call.TryTakeRequest(out _));
    }

    [Fact]
    public async Task An_istio_shaped_v3_cluster_with_fields_the_client_does_not_use_is_accepted()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        var cluster = EdsCluster(Reviews, serviceName: Reviews, policy: Cluster.Types.LbPolicy.LeastRequest);
        cluster.CircuitBreakers = new CircuitBreakers();
        cluster.CircuitBreakers.Thresholds.Add(new CircuitBreakers.Types.Thresholds { MaxConnections = 4294967295, MaxPendingRequests = 4294967295, MaxRequests = 4294967295, MaxRetries = 4294967295 });
        cluster.TransportSocketMatches.Add(new Cluster.Types.TransportSocketMatch
        {
            Name = "tlsMode-istio",
            Match = new Struct { Fields = { ["tlsMode"] = Value.ForString("istio") } },
            TransportSocket = new TransportSocket
            {
                Name = "envoy.transport_sockets.tls",
                TypedConfig = new Any { TypeUrl = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext", Value = ByteString.CopyFromUtf8("\n\u0004\n\u0002h2") },
            },
        });
        cluster.TransportSocketMatches.Add(new Cluster.Types.TransportSocketMatch
        {
            Name = "tlsMode-disabled",
            Match = new Struct(),
            TransportSocket = new TransportSocket { Name = "envoy.transport_sockets.raw_buffer" },
        });
        cluster.Metadata = new Metadata();
        cluster.Metadata.FilterMetadata["istio"] = new Struct
        {
            Fields =
            {
                ["default_original_port"] = Value.ForNumber(9080),
                ["services"] = Value.ForList(Value.ForStruct(new Struct
                {
                    Fields = { ["host"] = Value.ForString("reviews.default.svc.cluster.local"), ["name"] = Value.ForString("reviews"), ["namespace"] = Value.ForString("default") },
                })),
            },
        };
        cluster.AltStatName = "outbound_.9080_._.reviews.default.svc.cluster.local";

        // Fields this client does not declare at all (common_lb_config = 27, outlier_detection = 19,
        // typed_extension_protocol_options = 36) arrive as unknown fields and must be tolerated.
        var bytes = cluster.ToByteArray()
            .Concat(new byte[] { 0xDA, 0x01, 2, 0x08, 0x01 })
            .Concat(new byte[] { 0x9A, 0x01, 0 })
            .Concat(new byte[] { 0xA2, 0x02, 3, 0x0A, 0x01, 0x61 })
            .ToArray();
        var response = Response(ads.ClusterType, "1", "n1");
        response.Resources.Add(new Any { TypeUrl = ads.ClusterType, Value = ByteString.CopyFrom(bytes) });

        var requests = await ads.SendAndCollectAsync(call, response);

        var ack = requests[^1];
        Assert.Null(ack.ErrorDetail);
        Assert.Equal("1", ack.VersionInfo);
        Assert.Equal([Reviews], requests[0].ResourceNames);
        Assert.Equal(ClusterLoadBalancerPolicy.LeastRequest, ads.Registry.Current.Clusters[Reviews].LoadBalancerPolicy);
    }

    [Theory]
    [InlineData(0, ClusterLoadBalancerPolicy.RoundRobin)] // ROUND_ROBIN
    [InlineData(1, ClusterLoadBalancerPolicy.LeastRequest)] // LEAST_REQUEST
    [InlineData(3, ClusterLoadBalancerPolicy.Random)] // RANDOM
    [InlineData(2, ClusterLoadBalancerPolicy.Other)] // RING_HASH
    [InlineData(5, ClusterLoadBalancerPolicy.Other)] // MAGLEV
    public async Task Lb_policy_is_mapped(int policy, ClusterLoadBalancerPolicy expected)
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        var cluster = InlineCluster("c", Cluster.Types.DiscoveryType.Static);
        cluster.LbPolicy = (Cluster.Types.LbPolicy)policy;

        await ads.SendAsync(call, Response(ads.ClusterType, "1", "n1", cluster));

        Assert.Equal(expected, ads.Registry.Current.Clusters["c"].LoadBalancerPolicy);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Locality_weighted_lb_config_is_read(bool set)
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        var cluster = InlineCluster("c", Cluster.Types.DiscoveryType.Static);
        cluster.CommonLbConfig = set
            ? new Cluster.Types.CommonLbConfig { LocalityWeightedLbConfig = new Cluster.Types.CommonLbConfig.Types.LocalityWeightedLbConfig() }
            : new Cluster.Types.CommonLbConfig { ZoneAwareLbConfig = new Cluster.Types.CommonLbConfig.Types.ZoneAwareLbConfig() };

        await ads.SendAsync(call, Response(ads.ClusterType, "1", "n1", cluster));

        Assert.Equal(set, ads.Registry.Current.Clusters["c"].LocalityWeighted);
    }
}
