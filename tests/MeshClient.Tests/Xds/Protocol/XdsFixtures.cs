using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using MeshClient.Xds.Protos.Core;
using MeshClient.Xds.Protos.Discovery;
using MeshClient.Xds.Protos.Endpoint;
using Cluster = MeshClient.Xds.Protos.Cluster.Cluster;

namespace MeshClient.Tests.Xds.Protocol;

/// <summary>Builders for xDS resources and responses as Pilot sends them.</summary>
internal static class XdsFixtures
{
    public const string Reviews = "outbound|9080||reviews.default.svc.cluster.local";
    public const string ReviewsV1 = "outbound|9080|v1|reviews.default.svc.cluster.local";
    public const string Ratings = "outbound|9080||ratings.default.svc.cluster.local";

    public static Cluster EdsCluster(string name, string? serviceName = null, Cluster.Types.LbPolicy policy = Cluster.Types.LbPolicy.RoundRobin)
    {
        var cluster = new Cluster
        {
            Name = name,
            Type = Cluster.Types.DiscoveryType.Eds,
            LbPolicy = policy,
            EdsClusterConfig = new Cluster.Types.EdsClusterConfig
            {
                EdsConfig = new ConfigSource { Ads = new AggregatedConfigSource(), ResourceApiVersion = ApiVersion.V3 },
            },
            ConnectTimeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(10)),
        };
        if (serviceName is not null)
        {
            cluster.EdsClusterConfig.ServiceName = serviceName;
        }

        return cluster;
    }

    public static Cluster InlineCluster(string name, Cluster.Types.DiscoveryType type, params LbEndpoint[] endpoints)
    {
        var cluster = new Cluster { Name = name, Type = type };
        if (endpoints.Length > 0)
        {
            cluster.LoadAssignment = Assignment(name, endpoints);
        }

        return cluster;
    }

    public static ClusterLoadAssignment Assignment(string name, params LbEndpoint[] endpoints)
    {
        var assignment = new ClusterLoadAssignment { ClusterName = name };
        if (endpoints.Length > 0)
        {
            var group = new LocalityLbEndpoints();
            group.LbEndpoints.AddRange(endpoints);
            assignment.Endpoints.Add(group);
        }

        return assignment;
    }

    public static LbEndpoint Endpoint(string address, uint port, HealthStatus health = HealthStatus.Healthy, uint? weight = null)
    {
        var endpoint = new LbEndpoint
        {
            Endpoint = new Endpoint { Address = SocketAddress(address, port) },
            HealthStatus = health,
        };
        if (weight is not null)
        {
            endpoint.LoadBalancingWeight = weight;
        }

        return endpoint;
    }

    public static Address SocketAddress(string address, uint port) =>
        new() { SocketAddress = new SocketAddress { Address = address, PortValue = port } };

    public static DiscoveryResponse Response(string typeUrl, string version, string nonce, params IMessage[] resources)
    {
        var response = new DiscoveryResponse { TypeUrl = typeUrl, VersionInfo = version, Nonce = nonce };
        foreach (var resource in resources)
        {
            response.Resources.Add(new Any { TypeUrl = typeUrl, Value = resource.ToByteString() });
        }

        return response;
    }
}
