using System.Collections.Immutable;
using MeshClient.Registry;

namespace MeshClient.Xds.Protocol;

/// <summary>A validated cluster from a CDS response: what the registry needs of it.</summary>
/// <param name="Name">The cluster name.</param>
/// <param name="LoadBalancerPolicy">The cluster's load-balancing policy.</param>
/// <param name="EdsServiceName">
/// For an EDS cluster, the name its endpoints are requested by (eds_cluster_config.service_name, or the cluster name
/// when that is empty); <see langword="null"/> for a cluster that carries its endpoints inline.
/// </param>
/// <param name="InlineEndpoints">The endpoints of the inline load_assignment; empty for an EDS cluster.</param>
/// <param name="LocalityWeighted">Whether <c>common_lb_config.locality_weighted_lb_config</c> is set.</param>
internal sealed record DecodedCluster(
    string Name,
    ClusterLoadBalancerPolicy LoadBalancerPolicy,
    string? EdsServiceName,
    ImmutableArray<MeshEndpoint> InlineEndpoints,
    bool LocalityWeighted = false)
{
    /// <summary>The peer TLS settings (ISTIO_MUTUAL); <see langword="null"/> for plaintext.</summary>
    public PeerTlsSettings? PeerTls { get; init; }
}
