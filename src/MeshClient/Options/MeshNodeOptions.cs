namespace MeshClient;

/// <summary>
/// The node identity sent to Pilot, <c>sidecar~IP~POD.NAMESPACE~NAMESPACE.svc.cluster.local</c>. Each value
/// defaults to the environment Kubernetes gives a pod (<c>POD_NAME</c>, <c>POD_NAMESPACE</c>, <c>INSTANCE_IP</c>),
/// then to the host name, <c>default</c> and the first non-loopback IPv4 address.
/// </summary>
public sealed class MeshNodeOptions
{
    /// <summary>The pod name.</summary>
    public string? PodName { get; set; }

    /// <summary>The pod's namespace.</summary>
    public string? PodNamespace { get; set; }

    /// <summary>The pod's IP address.</summary>
    public string? InstanceIp { get; set; }

    /// <summary>
    /// The region of this workload (<c>Mesh:Node:Region</c>), sent in the xDS node's locality so istiod's locality
    /// failover orders endpoints by distance. When region, zone and sub-zone are all unset: the pod label
    /// <c>topology.istio.io/locality</c> (or <c>istio-locality</c>) in <c>Mesh:Service:Tags</c>, <c>region.zone.subzone</c>;
    /// else none is sent and istiod takes it from the topology labels of the pod's Kubernetes node.
    /// </summary>
    public string? Region { get; set; }

    /// <summary>The zone of this workload (<c>Mesh:Node:Zone</c>); see <see cref="Region"/>.</summary>
    public string? Zone { get; set; }

    /// <summary>The sub-zone of this workload (<c>Mesh:Node:SubZone</c>); see <see cref="Region"/>.</summary>
    public string? SubZone { get; set; }

    /// <summary>The cluster id sent as CLUSTER_ID. Default <c>Kubernetes</c>.</summary>
    public string ClusterId { get; set; } = "Kubernetes";
}
