using System.Collections.Immutable;

namespace MeshClient.Registry;

/// <summary>
/// One cluster from CDS with the endpoints EDS (or its inline load assignment) gave it. Immutable.
/// </summary>
public sealed class MeshCluster
{
    /// <summary>Creates a cluster.</summary>
    /// <param name="name">The cluster name.</param>
    /// <param name="endpoints">The endpoints.</param>
    /// <param name="loadBalancerPolicy">The cluster's <c>lb_policy</c>.</param>
    /// <param name="endpointsReceived">Whether the endpoints are known (EDS answered or the cluster had an inline assignment).</param>
    /// <param name="localityWeighted">Whether the cluster asks for locality-weighted balancing (CDS <c>common_lb_config.locality_weighted_lb_config</c>).</param>
    public MeshCluster(
        string name,
        ImmutableArray<MeshEndpoint> endpoints,
        ClusterLoadBalancerPolicy loadBalancerPolicy = ClusterLoadBalancerPolicy.RoundRobin,
        bool endpointsReceived = true,
        bool localityWeighted = false)
    {
        LocalityWeighted = localityWeighted;
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        IstioName = IstioClusterName.TryParse(name, out var parsed) ? parsed : null;
        Endpoints = endpoints.IsDefault ? ImmutableArray<MeshEndpoint>.Empty : endpoints;
        LoadBalancerPolicy = loadBalancerPolicy;
        EndpointsReceived = endpointsReceived;
    }

    /// <summary>The cluster name.</summary>
    public string Name { get; }

    /// <summary>The parts of the name when it is Istio-shaped (<c>direction|port|subset|fqdn</c>); otherwise <see langword="null"/>.</summary>
    internal IstioClusterName? IstioName { get; }

    /// <summary>All endpoints, routable or not.</summary>
    public ImmutableArray<MeshEndpoint> Endpoints { get; }

    /// <summary>The cluster's load-balancing policy from CDS.</summary>
    public ClusterLoadBalancerPolicy LoadBalancerPolicy { get; }

    /// <summary>Whether the endpoints are known: EDS answered for this cluster, or the cluster carried them inline.</summary>
    public bool EndpointsReceived { get; }

    /// <summary>
    /// Whether locality weights count: the cluster asked for locality-weighted balancing (CDS
    /// <c>common_lb_config.locality_weighted_lb_config</c>). Otherwise only endpoint weights do.
    /// </summary>
    public bool LocalityWeighted { get; }

    private MeshCluster(MeshCluster source, ImmutableArray<MeshEndpoint> endpoints, ClusterLoadBalancerPolicy loadBalancerPolicy, bool endpointsReceived, bool localityWeighted, PeerTlsSettings? peerTls)
    {
        Name = source.Name;
        IstioName = source.IstioName;
        Endpoints = endpoints.IsDefault ? ImmutableArray<MeshEndpoint>.Empty : endpoints;
        LoadBalancerPolicy = loadBalancerPolicy;
        EndpointsReceived = endpointsReceived;
        LocalityWeighted = localityWeighted;
        PeerTls = peerTls;
    }

    /// <summary>
    /// A cluster of the same name with this content, sharing the parsed name (no allocation but the cluster), or this
    /// cluster itself when the content is the same objects.
    /// </summary>
    internal MeshCluster With(ImmutableArray<MeshEndpoint> endpoints, ClusterLoadBalancerPolicy loadBalancerPolicy, bool endpointsReceived, bool localityWeighted, PeerTlsSettings? peerTls) =>
        Endpoints == endpoints && LoadBalancerPolicy == loadBalancerPolicy && EndpointsReceived == endpointsReceived && LocalityWeighted == localityWeighted && Equals(PeerTls, peerTls)
            ? this
            : new MeshCluster(this, endpoints, loadBalancerPolicy, endpointsReceived, localityWeighted, peerTls);

    /// <summary>
    /// How peers are called over mutual TLS (ISTIO_MUTUAL): from the cluster's UpstreamTlsContext in CDS; <see langword="null"/>
    /// when the cluster has none (plaintext to every endpoint).
    /// </summary>
    internal PeerTlsSettings? PeerTls { get; init; }

    /// <summary>Returns a copy with other endpoints.</summary>
    /// <param name="endpoints">The endpoints of the copy.</param>
    /// <returns>The copy, marked as having received its endpoints.</returns>
    internal MeshCluster WithEndpoints(ImmutableArray<MeshEndpoint> endpoints) => new(Name, endpoints, LoadBalancerPolicy, endpointsReceived: true, LocalityWeighted)
    {
        PeerTls = PeerTls,
    };
}
