using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using MeshClient.Xds.Protos.Core;
using MeshClient.Xds.Protos.Endpoint;
using Microsoft.Extensions.Logging;
using static MeshClient.Tests.Xds.Protocol.XdsFixtures;
using Cluster = MeshClient.Xds.Protos.Cluster.Cluster;
using Endpoint = MeshClient.Xds.Protos.Endpoint.Endpoint;

namespace MeshClient.Tests.Xds.Protocol;

/// <summary>Per-resource validation (gRFC A46), skipped endpoint kinds, and the response limits.</summary>
public sealed class AdsClientPartialResponseTests
{
    private static readonly Cluster StaticA = InlineCluster("static-a", Cluster.Types.DiscoveryType.Static, Endpoint("10.9.0.1", 80));
    private static readonly Cluster StaticB = InlineCluster("static-b", Cluster.Types.DiscoveryType.Static, Endpoint("10.9.0.2", 80));

    [Fact]
    public async Task Cds_with_an_unreadable_resource_removes_no_cluster_since_it_may_be_any_of_them()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        await ads.SendAsync(call, Response(ads.ClusterType, "1", "n1", StaticA, StaticB));

        var response = Response(ads.ClusterType, "2", "n2", InlineCluster("static-a", Cluster.Types.DiscoveryType.Static, Endpoint("10.9.0.9", 80)));
        response.Resources.Add(new Any { TypeUrl = ads.ClusterType, Value = ByteString.CopyFrom(0x0A, 0x20, 0x41) });
        var nack = await ads.SendAsync(call, response);

        Assert.Equal("1", nack.VersionInfo);
        Assert.StartsWith("resource 1: cannot decode Cluster:", nack.ErrorDetail.Message, StringComparison.Ordinal);
        Assert.Equal("10.9.0.9", Assert.Single(ads.Registry.Current.Clusters["static-a"].Endpoints).Address);
        Assert.Equal("10.9.0.2", Assert.Single(ads.Registry.Current.Clusters["static-b"].Endpoints).Address);
    }

    [Fact]
    public async Task Cds_names_every_invalid_resource_applies_the_rest_and_a_later_full_valid_response_is_acked()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        await ads.SendAsync(call, Response(ads.ClusterType, "1", "n1", StaticA, StaticB));

        var badA = InlineCluster("static-a", Cluster.Types.DiscoveryType.Static, Endpoint("10.9.0.1", 0));
        var badNew = InlineCluster("static-c", Cluster.Types.DiscoveryType.Static, Endpoint(string.Empty, 80));
        var nack = await ads.SendAsync(call, Response(ads.ClusterType, "2", "n2", badA, badNew, InlineCluster("static-d", Cluster.Types.DiscoveryType.Static)));

        Assert.Equal("1", nack.VersionInfo);
        Assert.Equal(
            "cluster \"static-a\": load_assignment: locality 0, endpoint 0: port 0 out of range 1-65535; "
            + "cluster \"static-c\": load_assignment: locality 0, endpoint 0: socket address is empty",
            nack.ErrorDetail.Message);
        Assert.Equal(["static-a", "static-d"], ads.Registry.Current.Clusters.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(80, Assert.Single(ads.Registry.Current.Clusters["static-a"].Endpoints).Port);

        var ack = await ads.SendAsync(call, Response(ads.ClusterType, "3", "n3", StaticB));
        Assert.Equal("3", ack.VersionInfo);
        Assert.Null(ack.ErrorDetail);
        Assert.Equal(["static-b"], ads.Registry.Current.Clusters.Keys);
    }

    [Fact]
    public async Task Eds_invalid_assignment_without_a_last_good_version_settles_the_name_so_the_client_syncs()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "1", "n1", EdsCluster(Reviews), EdsCluster(Ratings)));

        var nack = await ads.SendAsync(call, Response(ads.EndpointType, "e1", "n2",
            Assignment(Reviews, Endpoint("10.1.0.1", 9080)),
            Assignment(Ratings, Endpoint("10.2.0.1", 70000))));

        Assert.Equal(string.Empty, nack.VersionInfo);
        Assert.Equal($"cluster_load_assignment \"{Ratings}\": locality 0, endpoint 0: port 70000 out of range 1-65535", nack.ErrorDetail.Message);
        Assert.True(ads.Registry.Current.Clusters[Reviews].EndpointsReceived);
        Assert.False(ads.Registry.Current.Clusters[Ratings].EndpointsReceived);
        Assert.Equal(MeshClient.Registry.MeshConnectionState.Synced, ads.Registry.ConnectionState);
    }

    [Fact]
    public async Task Endpoints_the_client_cannot_call_are_skipped_logged_once_and_the_response_is_acked()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "1", "n1", EdsCluster(Reviews)));
        var pipe = new LbEndpoint { Endpoint = new Endpoint { Address = new Address { Pipe = new Pipe { Path = "/tmp/sock" } } } };
        var inner = new LbEndpoint { Endpoint = new Endpoint { Address = new Address { EnvoyInternalAddress = new EnvoyInternalAddress { ServerListenerName = "connect_originate" } } } };

        var ack = await ads.SendAsync(call, Response(ads.EndpointType, "e1", "n2", Assignment(Reviews, pipe, Endpoint("10.1.0.1", 9080), inner)));
        var again = await ads.SendAsync(call, Response(ads.EndpointType, "e2", "n3", Assignment(Reviews, inner, pipe, Endpoint("10.1.0.2", 9080))));

        Assert.Null(ack.ErrorDetail);
        Assert.Equal("e2", again.VersionInfo);
        Assert.Null(again.ErrorDetail);
        Assert.Equal("10.1.0.2", Assert.Single(ads.Registry.Current.Clusters[Reviews].Endpoints).Address);
        var skipped = ads.Logger.Entries.Where(e => e.EventId.Id == 1017).Select(e => e.Message).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, skipped.Count);
        Assert.Contains("EnvoyInternalAddress", skipped[0], StringComparison.Ordinal);
        Assert.Contains("Pipe", skipped[1], StringComparison.Ordinal);
        Assert.All(ads.Logger.Entries.Where(e => e.EventId.Id == 1017), e => Assert.Equal(LogLevel.Warning, e.Level));
    }

    [Theory]
    [InlineData("MaxResponseBytes")]
    [InlineData("MaxClusters")]
    [InlineData("MaxTotalEndpoints")]
    public async Task Cds_over_a_response_wide_limit_is_nacked_naming_it_and_nothing_applies(string limit)
    {
        await using var ads = new AdsHarness(o =>
        {
            o.Limits.MaxResponseBytes = limit == "MaxResponseBytes" ? 200 : o.Limits.MaxResponseBytes;
            o.Limits.MaxClusters = limit == "MaxClusters" ? 2 : o.Limits.MaxClusters;
            o.Limits.MaxTotalEndpoints = limit == "MaxTotalEndpoints" ? 2 : o.Limits.MaxTotalEndpoints;
        }).Start();
        var (call, _) = await ads.NextStreamAsync();
        await ads.SendAsync(call, Response(ads.ClusterType, "1", "n1", StaticA));
        var snapshot = ads.Registry.Current;

        var big = Response(ads.ClusterType, "2", "n2", StaticA, StaticB, InlineCluster("static-c", Cluster.Types.DiscoveryType.Static, Endpoint("10.9.0.3", 80)), InlineCluster("padding-" + new string('x', 200), Cluster.Types.DiscoveryType.Static));
        var nack = await ads.SendAsync(call, big);

        Assert.Equal("1", nack.VersionInfo);
        Assert.Matches($"^response has \\d+ [a-z ]+, over the limit Limits\\.{limit} \\(\\d+\\); nothing of it applied$", nack.ErrorDetail.Message);
        Assert.Same(snapshot, ads.Registry.Current);
    }

    [Fact]
    public async Task Eds_over_the_total_endpoint_limit_is_nacked_and_the_endpoints_in_force_stay()
    {
        await using var ads = new AdsHarness(o => o.Limits.MaxTotalEndpoints = 3).Start();
        var (call, _) = await ads.NextStreamAsync();
        await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "1", "n1", EdsCluster(Reviews), EdsCluster(Ratings)));
        await ads.SendAsync(call, Response(ads.EndpointType, "e1", "n2", Assignment(Reviews, Endpoint("10.1.0.1", 9080)), Assignment(Ratings, Endpoint("10.2.0.1", 9080))));
        var snapshot = ads.Registry.Current;

        var nack = await ads.SendAsync(call, Response(ads.EndpointType, "e2", "n3", Assignment(Ratings, Endpoint("10.2.0.1", 9080), Endpoint("10.2.0.2", 9080), Endpoint("10.2.0.3", 9080))));

        Assert.Equal("e1", nack.VersionInfo);
        Assert.Equal("response has 4 endpoints in all, over the limit Limits.MaxTotalEndpoints (3); nothing of it applied", nack.ErrorDetail.Message);
        Assert.Same(snapshot, ads.Registry.Current);
    }

    [Theory]
    [InlineData("MaxEndpointsPerCluster", "locality", "3 endpoints, over the limit Limits.MaxEndpointsPerCluster (2)")]
    [InlineData("MaxLabelsPerEndpoint", "labels", "locality 0, endpoint 0: 3 labels, over the limit Limits.MaxLabelsPerEndpoint (2)")]
    [InlineData("MaxLabelLength", "long-label", "locality 0, endpoint 0: label \"version\" is 11 characters long, over the limit Limits.MaxLabelLength (10)")]
    public async Task Eds_resource_over_a_per_resource_limit_is_invalid_and_keeps_its_last_good_endpoints(string limit, string shape, string expected)
    {
        await using var ads = new AdsHarness(o =>
        {
            o.Limits.MaxEndpointsPerCluster = limit == "MaxEndpointsPerCluster" ? 2 : o.Limits.MaxEndpointsPerCluster;
            o.Limits.MaxLabelsPerEndpoint = limit == "MaxLabelsPerEndpoint" ? 2 : o.Limits.MaxLabelsPerEndpoint;
            o.Limits.MaxLabelLength = limit == "MaxLabelLength" ? 10 : o.Limits.MaxLabelLength;
        }).Start();
        var (call, _) = await ads.NextStreamAsync();
        await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "1", "n1", EdsCluster(Reviews), EdsCluster(Ratings)));
        await ads.SendAsync(call, Response(ads.EndpointType, "e1", "n2", Assignment(Reviews, Endpoint("10.1.0.1", 9080)), Assignment(Ratings, Endpoint("10.2.0.1", 9080))));

        var bad = shape switch
        {
            "locality" => Assignment(Reviews, Endpoint("10.1.0.1", 9080), Endpoint("10.1.0.2", 9080), Endpoint("10.1.0.3", 9080)),
            "labels" => Assignment(Reviews, Labelled(("app", "reviews"), ("version", "v1"), ("zone", "a"))),
            _ => Assignment(Reviews, Labelled(("version", "v1-verylong"))),
        };
        var nack = await ads.SendAsync(call, Response(ads.EndpointType, "e2", "n3", bad, Assignment(Ratings, Endpoint("10.2.0.9", 9080))));

        Assert.Equal("e1", nack.VersionInfo);
        Assert.Equal($"cluster_load_assignment \"{Reviews}\": {expected}", nack.ErrorDetail.Message);
        Assert.Equal("10.1.0.1", Assert.Single(ads.Registry.Current.Clusters[Reviews].Endpoints).Address);
        Assert.Equal("10.2.0.9", Assert.Single(ads.Registry.Current.Clusters[Ratings].Endpoints).Address);
    }

    [Fact]
    public async Task A_response_exactly_at_every_limit_is_acked()
    {
        await using var ads = new AdsHarness(o =>
        {
            o.Limits.MaxEndpointsPerCluster = 2;
            o.Limits.MaxTotalEndpoints = 2;
            o.Limits.MaxLabelsPerEndpoint = 2;
            o.Limits.MaxLabelLength = 7;
            o.Limits.MaxClusters = 1;
        }).Start();
        var (call, _) = await ads.NextStreamAsync();
        await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "1", "n1", EdsCluster(Reviews)));

        var edge = Labelled(("version", "1234567"), ("app", "reviews"));
        edge.Endpoint.Address.SocketAddress.PortValue = 65535;
        var ack = await ads.SendAsync(call, Response(ads.EndpointType, "e1", "n2", Assignment(Reviews, Endpoint("10.1.0.1", 1), edge)));

        Assert.Null(ack.ErrorDetail);
        Assert.Equal([1, 65535], ads.Registry.Current.Clusters[Reviews].Endpoints.Select(e => e.Port));
    }

    [Fact]
    public void Limits_that_are_not_positive_are_invalid_options()
    {
        var options = new MeshClient.Xds.XdsClientOptions();
        options.Limits.MaxClusters = 0;
        options.Limits.MaxLabelLength = -1;

        Assert.Equal(
            ["Limits.MaxClusters is 0; it must be positive.", "Limits.MaxLabelLength is -1; it must be positive."],
            options.Validate());
    }

    private static LbEndpoint Labelled(params (string Key, string Value)[] labels)
    {
        var endpoint = Endpoint("10.1.0.5", 9080);
        var fields = new Struct();
        foreach (var (key, value) in labels)
        {
            fields.Fields[key] = Value.ForString(value);
        }

        endpoint.Metadata = new Metadata { FilterMetadata = { ["envoy.lb"] = fields } };
        return endpoint;
    }
}
