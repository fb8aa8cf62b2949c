using System.Collections.Immutable;
using MeshClient.Registry;
using MeshClient.Xds.Protos.Discovery;
using XdsCluster = MeshClient.Xds.Protos.Cluster.Cluster;

namespace MeshClient.Xds.Protocol;

/// <summary>
/// Decodes and validates CDS responses. Reads a cluster's name, discovery type, <c>eds_cluster_config.service_name</c>,
/// <c>lb_policy</c>, whether <c>common_lb_config.locality_weighted_lb_config</c> is set, and inline <c>load_assignment</c>; everything else Istio sends to a sidecar (transport sockets and
/// their matches, TLS contexts, circuit breakers, outlier detection, filter and Istio metadata, fields this subset
/// does not declare) is ignored, never rejected.
/// </summary>
internal static class ClusterResourceDecoder
{
    /// <summary>Decodes a CDS response: the full set of clusters.</summary>
    /// <param name="response">The response.</param>
    /// <returns>The clusters in the order of the response.</returns>
    /// <exception cref="XdsResourceException">A resource is invalid; the message names it and the problem.</exception>
    public static List<DecodedCluster> Decode(DiscoveryResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var clusters = DiscoveryResponseReader.Unpack(response, XdsCluster.Parser, "Cluster");
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var decoded = new List<DecodedCluster>(clusters.Count);
        for (var i = 0; i < clusters.Count; i++)
        {
            var cluster = clusters[i];
            if (cluster.Name.Length == 0)
            {
                throw new XdsResourceException($"resource {i}: cluster has no name");
            }

            if (!seen.TryAdd(cluster.Name, i))
            {
                throw new XdsResourceException($"cluster \"{cluster.Name}\" appears more than once (resources {seen[cluster.Name]} and {i})");
            }

            decoded.Add(Decode(cluster));
        }

        return decoded;
    }

    private static DecodedCluster Decode(XdsCluster cluster)
    {
        var policy = ToPolicy(cluster.LbPolicy);
        var localityWeighted = cluster.CommonLbConfig?.LocalityConfigSpecifierCase == XdsCluster.Types.CommonLbConfig.LocalityConfigSpecifierOneofCase.LocalityWeightedLbConfig;
        if (cluster.ClusterDiscoveryTypeCase == XdsCluster.ClusterDiscoveryTypeOneofCase.Type && cluster.Type == XdsCluster.Types.DiscoveryType.Eds)
        {
            var serviceName = cluster.EdsClusterConfig is { ServiceName.Length: > 0 } eds ? eds.ServiceName : cluster.Name;
            return new DecodedCluster(cluster.Name, policy, serviceName, ImmutableArray<MeshEndpoint>.Empty, localityWeighted);
        }

        // STATIC, STRICT_DNS, LOGICAL_DNS and ORIGINAL_DST clusters carry their endpoints (if any) inline.
        var endpoints = cluster.LoadAssignment is { } assignment
            ? EndpointResourceDecoder.ToEndpoints(assignment, $"cluster \"{cluster.Name}\": load_assignment")
            : ImmutableArray<MeshEndpoint>.Empty;
        return new DecodedCluster(cluster.Name, policy, null, endpoints, localityWeighted);
    }

    private static ClusterLoadBalancerPolicy ToPolicy(XdsCluster.Types.LbPolicy policy) => policy switch
    {
        XdsCluster.Types.LbPolicy.RoundRobin => ClusterLoadBalancerPolicy.RoundRobin,
        XdsCluster.Types.LbPolicy.LeastRequest => ClusterLoadBalancerPolicy.LeastRequest,
        XdsCluster.Types.LbPolicy.Random => ClusterLoadBalancerPolicy.Random,
        _ => ClusterLoadBalancerPolicy.Other,
    };
}
