using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using MeshClient.Registry;
using MeshClient.Testing;
using IstioResourceBuilder = MeshClient.Testing.Resources.IstioResourceBuilder;
using MeshClient.Xds;
using MeshClient.Xds.Protocol;
using MeshClient.Xds.Protos.Core;
using MeshClient.Xds.Protos.Endpoint;
using Xunit.Abstractions;
using XdsCluster = MeshClient.Xds.Protos.Cluster.Cluster;

namespace MeshClient.EndToEnd.Tests.Xds;

/// <summary>
/// Responses mixing valid and invalid resources, from FakePilot over real gRPC: the valid ones apply, each invalid one
/// is named in the NACK and keeps its last good version, and the NACK carries the last fully accepted version.
/// </summary>
public sealed class NackTests(ITestOutputHelper output)
{
    private const string Details = "outbound|9080||details.bookinfo.svc.cluster.local";
    private const string Duplicated = "outbound|9080||dup.bookinfo.svc.cluster.local";

    public static TheoryData<XdsVersion> Versions() => new() { XdsVersion.V3, XdsVersion.V2 };

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Mixed_cds_response_applies_the_valid_clusters_and_keeps_the_last_good_version_of_each_invalid_one(XdsVersion version)
    {
        await using var harness = await DiscoveryHarness.StartAsync(version, output, Bookinfo.Serve);
        await harness.WaitForFirstSyncAsync();
        var goodCdsAck = await harness.WaitForAckOfLatestAsync(harness.ClusterType);
        var ratingsBefore = harness.Registry.Current.Clusters[Bookinfo.RatingsAll];

        var type = harness.ClusterType;
        harness.Pilot.SetRawResources(type,
        [
            Pack(EdsCluster(Bookinfo.ReviewsAll), type),
            Pack(StaticCluster(Details, ("10.44.3.31", 9080)), type),
            Pack(StaticCluster(Bookinfo.RatingsAll, ("10.44.2.99", 9080), ("10.44.2.98", 0)), type), // invalid update of a known cluster
            Pack(EdsCluster(Duplicated), type),
            Pack(EdsCluster(Duplicated), type), // a new cluster, duplicated: left out
        ]);

        var nack = await harness.WaitForRequestAsync(r => r.TypeUrl == type && r.IsNack);
        Assert.Equal(goodCdsAck.VersionInfo, nack.VersionInfo);
        Assert.Equal(XdsSubscriptionState.InvalidArgumentCode, nack.ErrorDetail!.Code);
        Assert.Contains($"cluster \"{Bookinfo.RatingsAll}\": load_assignment: locality 0, endpoint 1: port 0 out of range 1-65535", nack.ErrorDetail.Message, StringComparison.Ordinal);
        Assert.Contains($"cluster \"{Duplicated}\" appears more than once (resources 3 and 4)", nack.ErrorDetail.Message, StringComparison.Ordinal);

        await harness.WaitUntilAsync(() => harness.Registry.Current.Clusters.ContainsKey(Details), "the valid new cluster applied");
        var clusters = harness.Registry.Current.Clusters;
        Assert.Equal([Details, Bookinfo.RatingsAll, Bookinfo.ReviewsAll], clusters.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("10.44.3.31", Assert.Single(clusters[Details].Endpoints).Address);
        Assert.Equal(ratingsBefore.Endpoints, clusters[Bookinfo.RatingsAll].Endpoints); // the last good (EDS) version stays
        Assert.Equal(ClusterLoadBalancerPolicy.LeastRequest, clusters[Bookinfo.RatingsAll].LoadBalancerPolicy);
        Assert.Equal(MeshConnectionState.Synced, harness.Registry.ConnectionState);
        Assert.Contains("CDS update version", harness.Registry.LastError, StringComparison.Ordinal);
        Assert.All(harness.Pilot.Requests, r => Assert.Equal(1, r.StreamId));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Mixed_eds_response_applies_the_valid_assignments_and_keeps_the_last_good_endpoints_of_each_invalid_one(XdsVersion version)
    {
        await using var harness = await DiscoveryHarness.StartAsync(version, output, Bookinfo.Serve);
        await harness.WaitForFirstSyncAsync();
        var goodEdsAck = await harness.WaitForAckOfLatestAsync(harness.EndpointType);
        var ratingsBefore = harness.Registry.Current.Clusters[Bookinfo.RatingsAll].Endpoints;

        var type = harness.EndpointType;
        var newReviews = new FakeEndpoint("10.44.1.99", 9080);
        var badRatings = IstioResourceBuilder.BuildLoadAssignment(Bookinfo.RatingsAll, [new FakeEndpoint("10.44.2.23", 9080)]);
        badRatings.Endpoints[0].LbEndpoints.Add(new LbEndpoint { Endpoint = new Endpoint { Address = new Address { SocketAddress = new SocketAddress { Address = string.Empty, PortValue = 9080 } } } });
        harness.Pilot.SetRawResources(type,
        [
            Pack(IstioResourceBuilder.BuildLoadAssignment(Bookinfo.ReviewsAll, [newReviews]), type),
            Pack(badRatings, type),
            new Any { TypeUrl = type, Value = ByteString.CopyFrom(0x0A, 0x7F, 0x41) }, // truncated: no name can be read
        ]);

        var nack = await harness.WaitForRequestAsync(r => r.TypeUrl == type && r.IsNack);
        Assert.Equal(goodEdsAck.VersionInfo, nack.VersionInfo);
        Assert.Contains($"cluster_load_assignment \"{Bookinfo.RatingsAll}\": locality 0, endpoint 1: socket address is empty", nack.ErrorDetail!.Message, StringComparison.Ordinal);
        Assert.Contains("resource 2: cannot decode ClusterLoadAssignment", nack.ErrorDetail.Message, StringComparison.Ordinal);

        await harness.WaitUntilAsync(
            () => harness.Registry.Current.Clusters[Bookinfo.ReviewsAll].Endpoints is [{ Address: "10.44.1.99" }],
            "the valid assignment applied");
        Assert.Equal(ratingsBefore, harness.Registry.Current.Clusters[Bookinfo.RatingsAll].Endpoints);
        Assert.Equal(MeshConnectionState.Synced, harness.Registry.ConnectionState);

        // Pilot fixes its endpoints: the next EDS response is ACKed on the same stream.
        harness.Pilot.RemoveRawResources(type);
        var recovered = await harness.WaitForRequestAsync(r => r.TypeUrl == type && r.IsAck && r.Sequence > nack.Sequence);
        Assert.NotEqual(goodEdsAck.VersionInfo, recovered.VersionInfo);
        Assert.All(harness.Pilot.Requests, r => Assert.Equal(1, r.StreamId));
    }

    [Fact]
    public async Task Response_over_a_limit_is_nacked_naming_the_limit_and_nothing_of_it_applies()
    {
        await using var harness = await DiscoveryHarness.StartAsync(XdsVersion.V3, output, Bookinfo.Serve, o => o.Limits.MaxClusters = 4);
        await harness.WaitForFirstSyncAsync();
        var goodCdsAck = await harness.WaitForAckOfLatestAsync(harness.ClusterType);
        var synced = harness.Registry.Current;

        var type = harness.ClusterType;
        harness.Pilot.SetRawResources(type, [.. Enumerable.Range(1, 5).Select(i => Pack(StaticCluster($"outbound|80||s{i}.bookinfo.svc.cluster.local", ("10.9.0.1", 80)), type))]);

        var nack = await harness.WaitForRequestAsync(r => r.TypeUrl == type && r.IsNack);
        Assert.Equal(goodCdsAck.VersionInfo, nack.VersionInfo);
        Assert.Equal("response has 5 clusters, over the limit Limits.MaxClusters (4); nothing of it applied", nack.ErrorDetail!.Message);
        Assert.Same(synced, harness.Registry.Current);
    }

    private static XdsCluster EdsCluster(string name) => new()
    {
        Name = name,
        Type = XdsCluster.Types.DiscoveryType.Eds,
        EdsClusterConfig = new XdsCluster.Types.EdsClusterConfig { EdsConfig = new ConfigSource { Ads = new AggregatedConfigSource() }, ServiceName = name },
    };

    private static XdsCluster StaticCluster(string name, params (string Ip, uint Port)[] endpoints)
    {
        var group = new LocalityLbEndpoints();
        foreach (var (ip, port) in endpoints)
        {
            group.LbEndpoints.Add(new LbEndpoint { Endpoint = new Endpoint { Address = new Address { SocketAddress = new SocketAddress { Address = ip, PortValue = port } } } });
        }

        return new XdsCluster
        {
            Name = name,
            Type = XdsCluster.Types.DiscoveryType.Static,
            LoadAssignment = new ClusterLoadAssignment { ClusterName = name, Endpoints = { group } },
        };
    }

    private static Any Pack(IMessage message, string typeUrl) => IstioResourceBuilder.Pack(message, typeUrl);
}
