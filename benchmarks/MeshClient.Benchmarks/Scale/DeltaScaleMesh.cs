using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using MeshClient.Xds.Protos.Core;
using MeshClient.Xds.Protos.Discovery;
using MeshClient.Xds.Protos.Endpoint;
using XdsCluster = MeshClient.Xds.Protos.Cluster.Cluster;
using DeltaResource = MeshClient.Xds.Protos.Discovery.Resource;

namespace MeshClient.Benchmarks.Scale;

/// <summary>
/// The generated mesh of benchmark 5: Istio-shaped EDS clusters <c>outbound|9080||svcN.default.svc.cluster.local</c>
/// with 10 endpoints each, and the encoded CDS responses that add one cluster to it, state of the world or delta.
/// Deterministic, so the bytes column computes the same sizes the benchmark sends.
/// </summary>
internal static class DeltaScaleMesh
{
    public const string ClusterType = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
    public const string EndpointType = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
    public const int EndpointsPerCluster = 10;

    public static string Name(int index) => string.Create(CultureInfo.InvariantCulture, $"outbound|9080||svc{index}.default.svc.cluster.local");

    public static Any Cluster(int index)
    {
        var cluster = new XdsCluster
        {
            Name = Name(index),
            Type = XdsCluster.Types.DiscoveryType.Eds,
            EdsClusterConfig = new XdsCluster.Types.EdsClusterConfig { EdsConfig = new ConfigSource { Ads = new AggregatedConfigSource(), ResourceApiVersion = ApiVersion.V3 } },
            ConnectTimeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(10)),
        };
        return new Any { TypeUrl = ClusterType, Value = cluster.ToByteString() };
    }

    public static Any Assignment(int index)
    {
        var group = new LocalityLbEndpoints { Locality = new Locality { Region = "eu-west-1", Zone = "eu-west-1a" } };
        for (var e = 0; e < EndpointsPerCluster; e++)
        {
            group.LbEndpoints.Add(new LbEndpoint
            {
                Endpoint = new Endpoint
                {
                    Address = new Address { SocketAddress = new SocketAddress { Address = string.Create(CultureInfo.InvariantCulture, $"10.{index / 250 % 250}.{index % 250}.{e + 1}"), PortValue = 9080 } },
                },
                HealthStatus = HealthStatus.Healthy,
            });
        }

        var assignment = new ClusterLoadAssignment { ClusterName = Name(index) };
        assignment.Endpoints.Add(group);
        return new Any { TypeUrl = EndpointType, Value = assignment.ToByteString() };
    }

    /// <summary>A state-of-the-world response: every cluster from 0 up to (not including) <paramref name="count"/>.</summary>
    public static DiscoveryResponse StateOfTheWorld(string typeUrl, int count, Func<int, Any> build, string version)
    {
        var response = new DiscoveryResponse { TypeUrl = typeUrl, VersionInfo = version, Nonce = "n" + version };
        for (var i = 0; i < count; i++)
        {
            response.Resources.Add(build(i));
        }

        return response;
    }

    /// <summary>A delta response with the resources <paramref name="from"/> up to (not including) <paramref name="to"/>.</summary>
    public static DeltaDiscoveryResponse Delta(string typeUrl, int from, int to, Func<int, Any> build, string version)
    {
        var response = new DeltaDiscoveryResponse { TypeUrl = typeUrl, SystemVersionInfo = version, Nonce = "n" + version };
        for (var i = from; i < to; i++)
        {
            response.Resources.Add(new DeltaResource { Name = Name(i), Version = "1", Resource_ = build(i) });
        }

        return response;
    }

    /// <summary>The bytes of the CDS response that adds cluster number <paramref name="clusters"/> to a mesh of that many.</summary>
    public static byte[] AddOneCluster(XdsProtocol protocol, int clusters, string version) =>
        protocol == XdsProtocol.Delta
            ? Delta(ClusterType, clusters, clusters + 1, Cluster, version).ToByteArray()
            : StateOfTheWorld(ClusterType, clusters + 1, Cluster, version).ToByteArray();
}
