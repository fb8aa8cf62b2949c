namespace MeshClient.DependencyInjection;

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

    /// <summary>The cluster id sent as CLUSTER_ID. Default <c>Kubernetes</c>.</summary>
    public string ClusterId { get; set; } = "Kubernetes";
}
