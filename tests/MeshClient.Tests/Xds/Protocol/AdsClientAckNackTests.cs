using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using MeshClient.Registry;
using MeshClient.Xds.Protos.Core;
using static MeshClient.Tests.Xds.Protocol.XdsFixtures;
using Cluster = MeshClient.Xds.Protos.Cluster.Cluster;

namespace MeshClient.Tests.Xds.Protocol;

public sealed class AdsClientAckNackTests
{
    private static readonly Cluster Static = InlineCluster("static-a", Cluster.Types.DiscoveryType.Static, Endpoint("10.9.0.1", 80));

    [Fact]
    public async Task Valid_cds_response_is_acked_with_its_version_and_nonce()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();

        var ack = await ads.SendAsync(call, Response(ads.ClusterType, "2024-01-01T00:00:00Z/7", "nonce-1", Static));

        Assert.Equal("2024-01-01T00:00:00Z/7", ack.VersionInfo);
        Assert.Equal("nonce-1", ack.ResponseNonce);
        Assert.Null(ack.ErrorDetail);
        Assert.Empty(ack.ResourceNames);
        Assert.True(ads.Registry.Current.Clusters.ContainsKey("static-a"));
    }

    [Fact]
    public async Task Bad_first_response_is_nacked_with_empty_version_and_leaves_the_invalid_cluster_out()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        var bad = InlineCluster(Reviews, Cluster.Types.DiscoveryType.Static, Endpoint("10.1.0.1", 9080), Endpoint("10.1.0.2", 0));

        var nack = await ads.SendAsync(call, Response(ads.ClusterType, "1", "n1", bad));

        Assert.Equal(string.Empty, nack.VersionInfo);
        Assert.Equal("n1", nack.ResponseNonce);
        Assert.NotNull(nack.ErrorDetail);
        Assert.Equal(3, nack.ErrorDetail.Code);
        Assert.Equal($"cluster \"{Reviews}\": load_assignment: locality 0, endpoint 1: port 0 out of range 1-65535", nack.ErrorDetail.Message);
        Assert.Equal(0, ads.Registry.Version);
        Assert.Equal(0, ads.ChangeCount);
        Assert.Empty(ads.Registry.Current.Clusters);

        // The (empty) valid part is the full CDS set now: the client has synced, and says what it rejected.
        Assert.Equal(MeshConnectionState.Synced, ads.Registry.ConnectionState);
        Assert.Contains(nack.ErrorDetail.Message, ads.Registry.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nack_after_an_ack_keeps_the_old_version_and_state_and_a_later_good_response_is_acked()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        await ads.SendAsync(call, Response(ads.ClusterType, "1", "n1", Static));
        var versionAfterAck = ads.Registry.Version;

        var nack = await ads.SendAsync(call, Response(ads.ClusterType, "2", "n2", Static, Static));

        Assert.Equal("1", nack.VersionInfo);
        Assert.Equal("n2", nack.ResponseNonce);
        Assert.Equal(3, nack.ErrorDetail.Code);
        Assert.Equal("cluster \"static-a\" appears more than once (resources 0 and 1)", nack.ErrorDetail.Message);
        Assert.Equal(versionAfterAck, ads.Registry.Version);
        Assert.Equal(["static-a"], ads.Registry.Current.Clusters.Keys);

        var ack = await ads.SendAsync(call, Response(ads.ClusterType, "3", "n3", Static, InlineCluster("static-b", Cluster.Types.DiscoveryType.Static)));
        Assert.Equal("3", ack.VersionInfo);
        Assert.Equal("n3", ack.ResponseNonce);
        Assert.Null(ack.ErrorDetail);
        Assert.Equal(2, ads.Registry.Current.Clusters.Count);
    }

    [Fact]
    public async Task Identical_update_is_acked_without_a_new_snapshot_or_change_notification()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "1", "n1", Static, EdsCluster(Reviews)));
        await ads.SendAsync(call, Response(ads.EndpointType, "e1", "n2", Assignment(Reviews, Endpoint("10.1.0.1", 9080))));
        var version = ads.Registry.Version;
        var changes = ads.ChangeCount;
        Assert.Equal(2, changes);

        var cdsAck = await ads.SendAsync(call, Response(ads.ClusterType, "2", "n3", Static, EdsCluster(Reviews)));
        var edsAck = await ads.SendAsync(call, Response(ads.EndpointType, "e2", "n4", Assignment(Reviews, Endpoint("10.1.0.1", 9080))));

        Assert.Equal("2", cdsAck.VersionInfo);
        Assert.Null(cdsAck.ErrorDetail);
        Assert.Equal("e2", edsAck.VersionInfo);
        Assert.Null(edsAck.ErrorDetail);
        Assert.Equal(version, ads.Registry.Version);
        Assert.Equal(changes, ads.ChangeCount);

        await ads.SendAsync(call, Response(ads.EndpointType, "e3", "n5", Assignment(Reviews, Endpoint("10.1.0.2", 9080))));
        Assert.Equal(version + 1, ads.Registry.Version);
        Assert.Equal(changes + 1, ads.ChangeCount);
    }

    [Fact]
    public async Task Unknown_type_url_is_ignored_and_the_stream_carries_on()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();

        call.Send(Response("type.googleapis.com/envoy.config.listener.v3.Listener", "l1", "ln1", new Struct()));
        var next = await ads.SendAsync(call, Response(ads.ClusterType, "1", "n1", Static));

        // The next request is the CDS ACK: nothing was sent for the unknown type, and the stream is the same one.
        Assert.Equal("1", next.VersionInfo);
        Assert.Equal(1, ads.Transport.CallCount);
        Assert.Null(ads.Registry.LastError);
    }

    [Fact]
    public async Task Resource_whose_type_url_differs_from_the_response_is_nacked_and_the_others_apply()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        var response = Response(ads.ClusterType, "1", "n1", Static);
        response.Resources.Add(new Any { TypeUrl = ads.EndpointType, Value = Assignment("x").ToByteString() });

        var nack = await ads.SendAsync(call, response);

        Assert.Equal(string.Empty, nack.VersionInfo);
        Assert.Equal(3, nack.ErrorDetail.Code);
        Assert.Equal(
            $"resource 1: type URL \"{ads.EndpointType}\" does not match the response's type URL \"{ads.ClusterType}\"",
            nack.ErrorDetail.Message);
        Assert.Equal(["static-a"], ads.Registry.Current.Clusters.Keys);
    }

    [Fact]
    public async Task Undecodable_resource_is_nacked()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        var response = Response(ads.ClusterType, "1", "n1");
        response.Resources.Add(new Any { TypeUrl = ads.ClusterType, Value = Google.Protobuf.ByteString.CopyFrom(0x0A, 0x10, 0x41) });

        var nack = await ads.SendAsync(call, response);

        Assert.StartsWith("resource 0: cannot decode Cluster:", nack.ErrorDetail.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Duplicate_endpoint_resources_are_nacked_and_keep_the_previous_endpoints()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "1", "n1", EdsCluster(Reviews)));
        await ads.SendAsync(call, Response(ads.EndpointType, "e1", "n2", Assignment(Reviews, Endpoint("10.1.0.1", 9080))));

        var nack = await ads.SendAsync(call, Response(ads.EndpointType, "e2", "n3", Assignment(Reviews, Endpoint("10.1.0.2", 9080)), Assignment(Reviews)));

        Assert.Equal("e1", nack.VersionInfo);
        Assert.Equal($"cluster_load_assignment \"{Reviews}\" appears more than once (resources 0 and 1)", nack.ErrorDetail.Message);
        Assert.Equal("10.1.0.1", Assert.Single(ads.Registry.Current.Clusters[Reviews].Endpoints).Address);
    }

    [Theory]
    [InlineData("port", "locality 0, endpoint 1: port 70000 out of range 1-65535")]
    [InlineData("no-address", "locality 0, endpoint 1: address missing")]
    [InlineData("empty-address", "locality 0, endpoint 1: socket address is empty")]
    [InlineData("named-port", "locality 0, endpoint 1: named port \"http\" is not supported")]
    [InlineData("endpoint-name", "locality 0, endpoint 1: no endpoint address (endpoint_name is not supported)")]
    public async Task Invalid_endpoint_is_nacked_with_a_message_naming_the_resource_and_the_problem(string problem, string expected)
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "1", "n1", EdsCluster(Reviews)));
        var bad = problem switch
        {
            "port" => Endpoint("10.1.0.2", 70000),
            "no-address" => new MeshClient.Xds.Protos.Endpoint.LbEndpoint { Endpoint = new MeshClient.Xds.Protos.Endpoint.Endpoint() },
            "empty-address" => Endpoint(string.Empty, 9080),
            "named-port" => new MeshClient.Xds.Protos.Endpoint.LbEndpoint
            {
                Endpoint = new MeshClient.Xds.Protos.Endpoint.Endpoint { Address = new Address { SocketAddress = new SocketAddress { Address = "10.1.0.2", NamedPort = "http" } } },
            },
            _ => new MeshClient.Xds.Protos.Endpoint.LbEndpoint { EndpointName = "named" },
        };

        var nack = await ads.SendAsync(call, Response(ads.EndpointType, "e1", "n2", Assignment(Reviews, Endpoint("10.1.0.1", 9080), bad)));

        Assert.Equal(string.Empty, nack.VersionInfo);
        Assert.Equal(3, nack.ErrorDetail.Code);
        Assert.Equal($"cluster_load_assignment \"{Reviews}\": {expected}", nack.ErrorDetail.Message);
        Assert.False(ads.Registry.Current.Clusters[Reviews].EndpointsReceived);
    }

    [Fact]
    public async Task Cds_and_eds_versions_and_nacks_are_independent()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "c1", "n1", EdsCluster(Reviews)));

        // A bad EDS response is NACKed with EDS's own (empty) version, not CDS's "c1".
        var edsNack = await ads.SendAsync(call, Response(ads.EndpointType, "e1", "n2", Assignment(Reviews, Endpoint("10.1.0.1", 0))));
        Assert.Equal(string.Empty, edsNack.VersionInfo);

        // CDS carries on from "c1"; the EDS re-subscription it triggers still carries EDS's empty version.
        var requests = await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "c2", "n3", EdsCluster(Reviews), EdsCluster(Ratings)));
        Assert.Equal(string.Empty, requests[0].VersionInfo);
        Assert.Equal(ads.EndpointType, requests[0].TypeUrl);
        Assert.Equal("n2", requests[0].ResponseNonce);
        Assert.Equal("c2", requests[1].VersionInfo);

        var edsAck = await ads.SendAsync(call, Response(ads.EndpointType, "e2", "n4", Assignment(Reviews, Endpoint("10.1.0.1", 9080))));
        Assert.Equal("e2", edsAck.VersionInfo);

        // A bad CDS response is NACKed with "c2" and does not touch EDS's "e2".
        var cdsNack = await ads.SendAsync(call, Response(ads.ClusterType, "c3", "n5", new Cluster()));
        Assert.Equal("c2", cdsNack.VersionInfo);
        Assert.Equal("resource 0: cluster has no name", cdsNack.ErrorDetail.Message);
        var edsAck2 = await ads.SendAsync(call, Response(ads.EndpointType, "e3", "n6", Assignment(Ratings, Endpoint("10.2.0.1", 9080))));
        Assert.Equal("e3", edsAck2.VersionInfo);
        Assert.Equal(2, ads.Registry.Current.Clusters.Count);
        Assert.True(ads.Registry.Current.Clusters[Ratings].EndpointsReceived);
    }
}
