using MeshClient.Registry;
using MeshClient.Testing.Tests.Grpc;
using MeshClient.Xds.Protos.Core;
using MeshClient.Xds.Protos.Endpoint;
using XdsCluster = MeshClient.Xds.Protos.Cluster.Cluster;

namespace MeshClient.Testing.Tests;

/// <summary>What FakePilot serves: Istio-shaped CDS and EDS for the services a test sets, and pushes on change.</summary>
public sealed class FakePilotDiscoveryTests : FakePilotTestBase
{
    [Theory]
    [InlineData(FakePilot.AdsMethodV3, FakePilot.ClusterTypeUrlV3, (int)ApiVersion.V3)]
    [InlineData(FakePilot.AdsMethodV2, FakePilot.ClusterTypeUrlV2, (int)ApiVersion.Auto)]
    public async Task Cds_wildcard_request_is_answered_with_the_all_endpoints_and_subset_clusters(string methodPath, string typeUrl, int apiVersion)
    {
        SetReviews();
        SetRatings("10.2.0.1");

        var (_, cds) = await OpenWithCdsAsync(typeUrl, methodPath);

        Assert.All(cds.Resources, r => Assert.Equal(typeUrl, r.TypeUrl));
        Assert.Equal([Ratings, ReviewsAll, ReviewsV1, ReviewsV2, ReviewsV2Debug], ClusterNames(cds));
        Assert.All(Clusters(cds), c =>
        {
            Assert.Equal(XdsCluster.Types.DiscoveryType.Eds, c.Type);
            Assert.Equal(c.Name, c.EdsClusterConfig.ServiceName);
            Assert.NotNull(c.EdsClusterConfig.EdsConfig.Ads);
            Assert.Equal((ApiVersion)apiVersion, c.EdsClusterConfig.EdsConfig.ResourceApiVersion);
        });
        Assert.NotEmpty(cds.VersionInfo);
        Assert.NotEmpty(cds.Nonce);
    }

    [Fact]
    public async Task Clusters_are_istio_shaped_with_the_fields_a_client_must_ignore()
    {
        Pilot.SetService(Reviews, 9080, [new FakeEndpoint("10.1.0.1", 9080)], [new FakeSubset("v1", new Dictionary<string, string> { ["version"] = "v1" })], ClusterLoadBalancerPolicy.LeastRequest);

        var (_, cds) = await OpenWithCdsAsync();

        var subset = Clusters(cds).Single(c => c.Name == ReviewsV1);
        Assert.Equal(XdsCluster.Types.LbPolicy.LeastRequest, subset.LbPolicy);
        Assert.Equal(["tlsMode-istio", "tlsMode-disabled"], subset.TransportSocketMatches.Select(m => m.Name));
        Assert.Equal("type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext", subset.TransportSocketMatches[0].TransportSocket.TypedConfig.TypeUrl);
        Assert.Equal(uint.MaxValue, subset.CircuitBreakers.Thresholds.Single().MaxConnections);
        var istio = subset.Metadata.FilterMetadata["istio"];
        Assert.Equal("v1", istio.Fields["subset"].StringValue);
        Assert.Equal(Reviews, istio.Fields["services"].ListValue.Values.Single().StructValue.Fields["host"].StringValue);
    }

    [Fact]
    public async Task Eds_is_answered_for_the_requested_names_only_with_labels_in_istio_metadata()
    {
        SetReviews();
        var (call, cds) = await OpenWithCdsAsync();
        await call.SendAsync(Requests.Ack(cds));

        await call.SendAsync(Requests.Subscribe(FakePilot.EndpointTypeUrlV3, ReviewsV2, "outbound|9080||unknown.default.svc.cluster.local"));
        var eds = await call.ReadAsync();

        Assert.Equal(FakePilot.EndpointTypeUrlV3, eds.TypeUrl);
        Assert.All(eds.Resources, r => Assert.Equal(FakePilot.EndpointTypeUrlV3, r.TypeUrl));
        var assignment = Assert.Single(Assignments(eds));
        Assert.Equal(ReviewsV2, assignment.ClusterName);
        var locality = Assert.Single(assignment.Endpoints);
        Assert.Equal(new Locality { Region = "eu-west", Zone = "eu-west-1b" }, locality.Locality);
        Assert.Equal(1u, locality.Priority);
        Assert.Equal(4u, locality.LoadBalancingWeight);
        Assert.Equal(["10.1.0.2", "10.1.0.3"], locality.LbEndpoints.Select(e => e.Endpoint.Address.SocketAddress.Address));
        Assert.All(locality.LbEndpoints, e => Assert.Equal(9080u, e.Endpoint.Address.SocketAddress.PortValue));
        Assert.Equal([HealthStatus.Healthy, HealthStatus.Draining], locality.LbEndpoints.Select(e => e.HealthStatus));
        Assert.Equal([3u, 1u], locality.LbEndpoints.Select(e => e.LoadBalancingWeight ?? 0));
        var labels = locality.LbEndpoints[1].Metadata.FilterMetadata["istio"].Fields["labels"].StructValue.Fields;
        Assert.Equal(
            new Dictionary<string, string> { ["app"] = "reviews", ["version"] = "v2", ["debug"] = "true" },
            labels.ToDictionary(f => f.Key, f => f.Value.StringValue));
    }

    [Fact]
    public async Task Eds_groups_endpoints_by_locality_and_priority_and_subsets_select_by_labels()
    {
        SetReviews();
        var (call, cds) = await OpenWithCdsAsync();
        await call.SendAsync(Requests.Ack(cds));

        await call.SendAsync(Requests.Subscribe(FakePilot.EndpointTypeUrlV3, ReviewsAll, ReviewsV1, ReviewsV2Debug));
        var eds = await call.ReadAsync();

        var byName = Assignments(eds).ToDictionary(a => a.ClusterName);
        Assert.Equal([ReviewsAll, ReviewsV1, ReviewsV2Debug], AssignmentNames(eds));
        Assert.Equal([("eu-west-1a", 0u), ("eu-west-1b", 1u)], byName[ReviewsAll].Endpoints.Select(l => (l.Locality.Zone, l.Priority)));
        Assert.Equal(["10.1.0.1"], Addresses(byName[ReviewsV1]));
        Assert.Equal(["10.1.0.3"], Addresses(byName[ReviewsV2Debug]));
    }

    [Fact]
    public async Task A_service_without_endpoints_gets_an_empty_assignment()
    {
        Pilot.SetService("empty", 80, []);
        var (call, cds) = await OpenWithCdsAsync();
        await call.SendAsync(Requests.Ack(cds));

        await call.SendAsync(Requests.Subscribe(FakePilot.EndpointTypeUrlV3, "outbound|80||empty.default.svc.cluster.local"));
        var eds = await call.ReadAsync();

        var assignment = Assert.Single(Assignments(eds));
        Assert.Equal("outbound|80||empty.default.svc.cluster.local", assignment.ClusterName);
        Assert.Empty(assignment.Endpoints);
    }

    [Fact]
    public async Task Every_change_pushes_full_cds_and_the_subscribed_eds_to_every_stream()
    {
        SetReviews();
        var streams = new List<AdsTestCall>();
        for (var i = 0; i < 2; i++)
        {
            var (call, cds) = await OpenWithCdsAsync();
            await call.SendAsync(Requests.Ack(cds));
            await call.SendAsync(Requests.Subscribe(FakePilot.EndpointTypeUrlV3, ReviewsV1));
            var eds = await call.ReadAsync();
            await call.SendAsync(Requests.Ack(eds, ReviewsV1));
            streams.Add(call);
        }

        await Pilot.WaitForRequestAsync(r => r.StreamId == 2 && r.IsAck && r.TypeUrl == FakePilot.EndpointTypeUrlV3, Timeout);

        SetRatings("10.2.0.1");

        foreach (var call in streams)
        {
            var cds = await call.ReadAsync();
            Assert.Equal(FakePilot.ClusterTypeUrlV3, cds.TypeUrl);
            Assert.Contains(Ratings, ClusterNames(cds));
            Assert.Contains(ReviewsV1, ClusterNames(cds));
            var eds = await call.ReadAsync();
            Assert.Equal(FakePilot.EndpointTypeUrlV3, eds.TypeUrl);
            Assert.Equal([ReviewsV1], AssignmentNames(eds));
        }
    }

    [Fact]
    public async Task RemoveService_and_Clear_push_cds_without_the_removed_clusters()
    {
        SetReviews();
        SetRatings("10.2.0.1");
        var (call, cds) = await OpenWithCdsAsync();
        await call.SendAsync(Requests.Ack(cds));
        await Pilot.WaitForRequestAsync(r => r.IsAck, Timeout);

        Assert.True(Pilot.RemoveService("reviews", 9080));
        var afterRemove = await call.ReadAsync();
        Assert.Equal([Ratings], ClusterNames(afterRemove));
        Assert.False(Pilot.RemoveService("reviews", 9080));

        Pilot.Clear();
        var afterClear = await call.ReadAsync();
        Assert.Empty(afterClear.Resources);
    }

    [Fact]
    public async Task PushEndpointsAsync_sends_only_the_named_clusters_the_stream_subscribed_to()
    {
        SetReviews();
        SetRatings("10.2.0.1");
        var (call, cds) = await OpenWithCdsAsync();
        await call.SendAsync(Requests.Ack(cds));
        await call.SendAsync(Requests.Subscribe(FakePilot.EndpointTypeUrlV3, ReviewsAll, ReviewsV1, Ratings));
        var eds = await call.ReadAsync();
        Assert.Equal(3, eds.Resources.Count);
        await call.SendAsync(Requests.Ack(eds, ReviewsAll, ReviewsV1, Ratings));
        await Pilot.WaitForRequestAsync(r => r.IsAck && r.TypeUrl == FakePilot.EndpointTypeUrlV3, Timeout);

        await Pilot.PushEndpointsAsync(ReviewsV1, ReviewsV2, Ratings).WaitAsync(Timeout);

        var partial = await call.ReadAsync();
        Assert.Equal(FakePilot.EndpointTypeUrlV3, partial.TypeUrl);
        Assert.Equal([ReviewsV1, Ratings], AssignmentNames(partial));
        Assert.NotEqual(eds.VersionInfo, partial.VersionInfo);
        var sent = await Pilot.WaitForResponseAsync(r => r.Nonce == partial.Nonce, Timeout);
        Assert.Equal([ReviewsV1, Ratings], sent.ResourceNames);
    }

    [Fact]
    public async Task PushAsync_sends_the_same_resources_again_with_a_new_version()
    {
        SetReviews();
        var (call, cds) = await OpenWithCdsAsync();
        await call.SendAsync(Requests.Ack(cds));
        await Pilot.WaitForRequestAsync(r => r.IsAck, Timeout);

        await Pilot.PushAsync().WaitAsync(Timeout);

        var again = await call.ReadAsync();
        Assert.Equal(ClusterNames(cds), ClusterNames(again));
        Assert.Equal(cds.Resources, again.Resources);
        Assert.NotEqual(cds.VersionInfo, again.VersionInfo);
    }

    [Fact]
    public async Task Versions_increase_and_nonces_are_unique_across_pushes()
    {
        SetReviews();
        var (call, cds) = await OpenWithCdsAsync();
        var responses = new List<Xds.Protos.Discovery.DiscoveryResponse> { cds };
        for (var i = 0; i < 4; i++)
        {
            await call.SendAsync(Requests.Ack(responses[^1]));
            SetRatings($"10.2.0.{i + 1}");
            responses.Add(await call.ReadAsync());
        }

        var versions = responses.Select(r => long.Parse(r.VersionInfo, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(versions.Count, versions.Distinct().Count());
        Assert.Equal(responses.Count, responses.Select(r => r.Nonce).Distinct().Count());
    }

    [Fact]
    public void SetService_completes_short_hosts_and_returns_the_cluster_names()
    {
        var names = SetReviews();
        Assert.Equal([ReviewsAll, ReviewsV1, ReviewsV2, ReviewsV2Debug], names);
        Assert.Equal(["outbound|80||web.prod.svc.cluster.local"], Pilot.SetService("web.prod", 80, []));
        Assert.Equal(["outbound|80||web.default.svc.cluster.local"], Pilot.SetService("web", 80, []));
    }

    [Fact]
    public void SetService_rejects_bad_input_naming_the_problem()
    {
        var subset = new FakeSubset("v1", new Dictionary<string, string>());
        var duplicate = Assert.Throws<ArgumentException>(() => Pilot.SetService("web", 80, [], [subset, subset]));
        Assert.Contains("'v1'", duplicate.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Pilot.SetService("web", 0, []));
        Assert.Throws<ArgumentException>(() => Pilot.SetService("a|b", 80, []));
        Assert.Throws<ArgumentException>(() => new FakeSubset("v|1", new Dictionary<string, string>()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FakeEndpoint("10.0.0.1", 70000));
    }

    private static List<string> Addresses(ClusterLoadAssignment assignment) =>
        [.. assignment.Endpoints.SelectMany(l => l.LbEndpoints).Select(e => e.Endpoint.Address.SocketAddress.Address)];
}
