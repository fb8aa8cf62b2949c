using Google.Protobuf.WellKnownTypes;
using MeshClient.Registry;
using IstioResourceBuilder = MeshClient.Testing.Resources.IstioResourceBuilder;
using MeshClient.Xds;
using MeshClient.Xds.Protocol;
using MeshClient.Xds.Protos.Core;
using MeshClient.Xds.Protos.Endpoint;
using Xunit.Abstractions;
using XdsCluster = MeshClient.Xds.Protos.Cluster.Cluster;

namespace MeshClient.EndToEnd.Tests.Xds;

/// <summary>A malformed CDS response from Pilot is NACKed over the wire, and the registry keeps the last good state.</summary>
public sealed class NackTests(ITestOutputHelper output)
{
    private const string Details = "outbound|9080||details.bookinfo.svc.cluster.local";

    public static TheoryData<XdsVersion, string> Cases()
    {
        var data = new TheoryData<XdsVersion, string>();
        foreach (var version in new[] { XdsVersion.V3, XdsVersion.V2 })
        {
            data.Add(version, "duplicate names");
            data.Add(version, "wrong type URL");
            data.Add(version, "port 0");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_malformed_cluster_response_is_nacked_naming_the_resource_and_the_registry_keeps_its_state(XdsVersion version, string malformation)
    {
        await using var harness = await DiscoveryHarness.StartAsync(version, output, Bookinfo.Serve);
        await harness.WaitForFirstSyncAsync();
        var goodCdsAck = await harness.WaitForAckOfLatestAsync(harness.ClusterType);
        var synced = harness.Registry.Current;
        var changes = harness.Changes.Count;

        var (resources, expectedDetail) = Malformed(harness.ClusterType, version, malformation);
        harness.Pilot.SetRawResources(harness.ClusterType, resources);

        var nack = await harness.WaitForRequestAsync(r => r.TypeUrl == harness.ClusterType && r.IsNack);
        var rejected = harness.Pilot.Responses.Single(r => r.TypeUrl == harness.ClusterType && r.Nonce == nack.ResponseNonce);
        Assert.NotEqual(goodCdsAck.VersionInfo, rejected.VersionInfo);
        Assert.Equal(goodCdsAck.VersionInfo, nack.VersionInfo);
        Assert.Equal(XdsSubscriptionState.InvalidArgumentCode, nack.ErrorDetail!.Code);
        foreach (var part in expectedDetail)
        {
            Assert.Contains(part, nack.ErrorDetail.Message, StringComparison.Ordinal);
        }

        // The EDS push that came with it is still ACKed; the registry keeps the last good clusters and endpoints.
        await harness.WaitForAckOfLatestAsync(harness.EndpointType);
        Assert.Same(synced, harness.Registry.Current);
        Assert.Equal(changes, harness.Changes.Count);
        Assert.Equal(MeshConnectionState.Synced, harness.Registry.ConnectionState);
        Assert.Contains($"CDS update version \"{rejected.VersionInfo}\" rejected", harness.Registry.LastError, StringComparison.Ordinal);
        Assert.Contains(expectedDetail[0], harness.Registry.LastError, StringComparison.Ordinal);
        Assert.True(harness.Registry.Current.TryFindService("reviews", DiscoveryHarness.PodNamespace, out _));

        // Pilot fixes its config: the next CDS response is applied and ACKed on the same stream.
        harness.Pilot.RemoveRawResources(harness.ClusterType);
        var recovered = await harness.WaitForRequestAsync(r => r.TypeUrl == harness.ClusterType && r.IsAck && r.Sequence > nack.Sequence);
        Assert.NotEqual(goodCdsAck.VersionInfo, recovered.VersionInfo);
        Assert.All(harness.Pilot.Requests, r => Assert.Equal(1, r.StreamId));
    }

    private static (Any[] Resources, string[] ExpectedDetail) Malformed(string clusterType, XdsVersion version, string malformation)
    {
        switch (malformation)
        {
            case "duplicate names":
                return (
                    [Pack(EdsCluster(Bookinfo.ReviewsAll), clusterType), Pack(EdsCluster(Details), clusterType), Pack(EdsCluster(Bookinfo.ReviewsAll), clusterType)],
                    [$"cluster \"{Bookinfo.ReviewsAll}\" appears more than once", "resources 0 and 2"]);
            case "wrong type URL":
                // A cluster packed as the other version's cluster type: the mix-up of a Pilot serving both APIs.
                var otherClusterType = XdsTypeUrls.Cluster(version == XdsVersion.V3 ? XdsVersion.V2 : XdsVersion.V3);
                return (
                    [Pack(EdsCluster(Bookinfo.ReviewsAll), clusterType), Pack(EdsCluster(Details), otherClusterType)],
                    ["resource 1", $"type URL \"{otherClusterType}\" does not match", clusterType]);
            case "port 0":
                var cluster = new XdsCluster
                {
                    Name = Details,
                    Type = XdsCluster.Types.DiscoveryType.Static,
                    LoadAssignment = new ClusterLoadAssignment
                    {
                        ClusterName = Details,
                        Endpoints =
                        {
                            new LocalityLbEndpoints
                            {
                                LbEndpoints =
                                {
                                    new LbEndpoint { Endpoint = new Endpoint { Address = SocketAddress("10.44.3.31", 9080) } },
                                    new LbEndpoint { Endpoint = new Endpoint { Address = SocketAddress("10.44.3.32", 0) } },
                                },
                            },
                        },
                    },
                };
                return (
                    [Pack(EdsCluster(Bookinfo.ReviewsAll), clusterType), Pack(cluster, clusterType)],
                    [$"cluster \"{Details}\"", "endpoint 1", "port 0 out of range"]);
            default:
                throw new ArgumentOutOfRangeException(nameof(malformation), malformation, "unknown case");
        }
    }

    private static Address SocketAddress(string ip, uint port) => new() { SocketAddress = new SocketAddress { Address = ip, PortValue = port } };

    private static XdsCluster EdsCluster(string name) => new()
    {
        Name = name,
        Type = XdsCluster.Types.DiscoveryType.Eds,
        EdsClusterConfig = new XdsCluster.Types.EdsClusterConfig { EdsConfig = new ConfigSource { Ads = new AggregatedConfigSource() }, ServiceName = name },
    };

    private static Any Pack(XdsCluster cluster, string typeUrl) => IstioResourceBuilder.Pack(cluster, typeUrl);
}
