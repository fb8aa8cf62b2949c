using System.Collections.Immutable;
using MeshClient.Registry;
using MeshClient.Xds.Protos.Discovery;
using XdsCluster = MeshClient.Xds.Protos.Cluster.Cluster;

namespace MeshClient.Xds.Protocol;

/// <summary>
/// Decodes and validates CDS responses. Reads a cluster's name, discovery type, <c>eds_cluster_config.service_name</c>,
/// <c>lb_policy</c>, whether <c>common_lb_config.locality_weighted_lb_config</c> is set, inline <c>load_assignment</c>,
/// and the peer TLS settings of its <c>tlsMode: istio</c> transport socket match or plain transport socket
/// (<see cref="PeerTlsDecoder"/>; a malformed TLS context rejects the cluster); everything else Istio sends to a sidecar
/// (circuit breakers, outlier detection, filter and Istio metadata, fields this subset does not declare) is ignored,
/// never rejected.
/// </summary>
internal static class ClusterResourceDecoder
{
    /// <summary>
    /// Decodes a CDS response (the full set of clusters) resource by resource (gRFC A46): an invalid cluster is recorded
    /// in <paramref name="errors"/> (with its name when it can be read) and left out; the others are returned.
    /// </summary>
    /// <param name="response">The response.</param>
    /// <param name="limits">The per-cluster endpoint and label limits of inline load assignments.</param>
    /// <param name="errors">Receives the invalid resources.</param>
    /// <param name="skipped">Receives the address kinds of inline endpoints skipped because the client cannot call them.</param>
    /// <returns>The valid clusters in the order of the response.</returns>
    public static List<DecodedCluster> Decode(DiscoveryResponse response, XdsResourceLimits limits, XdsResourceErrors errors, ISet<string> skipped)
    {
        ArgumentNullException.ThrowIfNull(response);
        var clusters = DiscoveryResponseReader.Unpack(response, XdsCluster.Parser, "Cluster", errors);
        var duplicates = DiscoveryResponseReader.FindDuplicates(clusters, c => c.Name, "cluster", errors);
        var decoded = new List<DecodedCluster>(clusters.Count);
        var peerTls = new Dictionary<PeerTlsSettings, PeerTlsSettings>();
        foreach (var (i, cluster) in clusters)
        {
            if (cluster.Name.Length == 0)
            {
                errors.Add(null, $"resource {i}: cluster has no name");
                continue;
            }

            if (duplicates.Contains(cluster.Name))
            {
                continue;
            }

            try
            {
                decoded.Add(Share(Decode(cluster, limits, skipped), peerTls));
            }
            catch (XdsResourceException ex)
            {
                errors.Add(cluster.Name, ex.Message);
            }
        }

        return decoded;
    }

    /// <summary>One settings object for the clusters of a response with equal peer TLS settings (Istio: most of them).</summary>
    private static DecodedCluster Share(DecodedCluster cluster, Dictionary<PeerTlsSettings, PeerTlsSettings> shared)
    {
        if (cluster.PeerTls is not { } settings)
        {
            return cluster;
        }

        if (!shared.TryGetValue(settings, out var first))
        {
            shared.Add(settings, settings);
            return cluster;
        }

        return cluster with { PeerTls = first };
    }

    private static DecodedCluster Decode(XdsCluster cluster, XdsResourceLimits limits, ISet<string> skipped)
    {
        var policy = ToPolicy(cluster.LbPolicy);
        var localityWeighted = cluster.CommonLbConfig?.LocalityConfigSpecifierCase == XdsCluster.Types.CommonLbConfig.LocalityConfigSpecifierOneofCase.LocalityWeightedLbConfig;
        var peerTls = PeerTlsDecoder.Read(cluster);
        if (cluster.ClusterDiscoveryTypeCase == XdsCluster.ClusterDiscoveryTypeOneofCase.Type && cluster.Type == XdsCluster.Types.DiscoveryType.Eds)
        {
            var serviceName = cluster.EdsClusterConfig is { ServiceName.Length: > 0 } eds ? eds.ServiceName : cluster.Name;
            return new DecodedCluster(cluster.Name, policy, serviceName, ImmutableArray<MeshEndpoint>.Empty, localityWeighted) { PeerTls = peerTls };
        }

        // STATIC, STRICT_DNS, LOGICAL_DNS and ORIGINAL_DST clusters carry their endpoints (if any) inline.
        var endpoints = cluster.LoadAssignment is { } assignment
            ? EndpointResourceDecoder.ToEndpoints(assignment, $"cluster \"{cluster.Name}\": load_assignment", limits, skipped)
            : ImmutableArray<MeshEndpoint>.Empty;
        return new DecodedCluster(cluster.Name, policy, null, endpoints, localityWeighted) { PeerTls = peerTls };
    }

    private static ClusterLoadBalancerPolicy ToPolicy(XdsCluster.Types.LbPolicy policy) => policy switch
    {
        XdsCluster.Types.LbPolicy.RoundRobin => ClusterLoadBalancerPolicy.RoundRobin,
        XdsCluster.Types.LbPolicy.LeastRequest => ClusterLoadBalancerPolicy.LeastRequest,
        XdsCluster.Types.LbPolicy.Random => ClusterLoadBalancerPolicy.Random,
        _ => ClusterLoadBalancerPolicy.Other,
    };
}
