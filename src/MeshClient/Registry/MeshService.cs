using System.Collections.Frozen;

namespace MeshClient.Registry;

/// <summary>
/// A service port as the registry knows it: the cluster holding all its endpoints and one cluster per subset,
/// gathered from the Istio cluster names <c>outbound|PORT|SUBSET|HOST</c>.
/// </summary>
public sealed class MeshService
{
    private bool? _usesPeerTls;

    internal MeshService(string host, string name, string? @namespace, int port, MeshCluster? all, FrozenDictionary<string, MeshCluster> subsets)
    {
        Host = host;
        Name = name;
        Namespace = @namespace;
        Port = port;
        AllEndpoints = all;
        Subsets = subsets;
    }

    /// <summary>The host as Pilot names it, such as <c>reviews.default.svc.cluster.local</c>.</summary>
    public string Host { get; }

    /// <summary>The short name (<c>reviews</c>).</summary>
    public string Name { get; }

    /// <summary>The namespace, when the host is a Kubernetes service name.</summary>
    public string? Namespace { get; }

    /// <summary>The service port.</summary>
    public int Port { get; }

    /// <summary>The cluster with an empty subset, which holds all of the service's endpoints; <see langword="null"/> when Pilot sent none.</summary>
    public MeshCluster? AllEndpoints { get; }

    /// <summary>The subset clusters by subset name.</summary>
    public IReadOnlyDictionary<string, MeshCluster> Subsets { get; }

    /// <summary>Whether any of the service's clusters calls its peers over mutual TLS (has <see cref="MeshCluster.PeerTls"/>).</summary>
    internal bool UsesPeerTls => _usesPeerTls ??= AllEndpoints?.PeerTls is not null || Subsets.Values.Any(c => c.PeerTls is not null);

    /// <summary>The clusters that hold the service's endpoints: the all-endpoints cluster, else each subset.</summary>
    internal IEnumerable<MeshCluster> EndpointClusters => AllEndpoints is { } all ? [all] : Subsets.Values;
}
