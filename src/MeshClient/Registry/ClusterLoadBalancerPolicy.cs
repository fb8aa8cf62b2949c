namespace MeshClient.Registry;

/// <summary>The load-balancing policy a cluster carries in CDS (<c>lb_policy</c>).</summary>
public enum ClusterLoadBalancerPolicy
{
    /// <summary>ROUND_ROBIN (the xDS default).</summary>
    RoundRobin = 0,

    /// <summary>LEAST_REQUEST.</summary>
    LeastRequest = 1,

    /// <summary>RANDOM.</summary>
    Random = 3,

    /// <summary>Any other policy (RING_HASH, MAGLEV, CLUSTER_PROVIDED, ...); treated as round robin.</summary>
    Other = 100,
}
