using System.Collections.Frozen;

namespace MeshClient.Registry;

/// <summary>
/// A service port as the registry knows it: the cluster holding all its endpoints and one cluster per subset,
/// gathered from the Istio cluster names <c>outbound|PORT|SUBSET|HOST</c>.
/// </summary>
public sealed class MeshService
{
    private static readonly FrozenDictionary<string, MeshCluster> NoSubsets = FrozenDictionary<string, MeshCluster>.Empty;
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

    /// <summary>
    /// The service with the cluster of the subset <paramref name="name"/> names (empty: the all-endpoints cluster) set to
    /// <paramref name="cluster"/>, or removed when it is <see langword="null"/>; every other cluster is shared.
    /// Work proportional to this service's subsets only.
    /// </summary>
    /// <param name="service">The service before, or <see langword="null"/> for a new one.</param>
    /// <param name="name">The Istio name of the cluster that changes.</param>
    /// <param name="cluster">The cluster, or <see langword="null"/> to remove it.</param>
    /// <returns>The new service, or <see langword="null"/> when it holds no cluster any more.</returns>
    internal static MeshService? WithCluster(MeshService? service, IstioClusterName name, MeshCluster? cluster)
    {
        var all = service?.AllEndpoints;
        var subsets = (FrozenDictionary<string, MeshCluster>?)service?.Subsets ?? NoSubsets;
        if (name.Subset.Length == 0)
        {
            all = cluster;
        }
        else
        {
            var next = new Dictionary<string, MeshCluster>(subsets, StringComparer.Ordinal);
            if (cluster is null)
            {
                next.Remove(name.Subset);
            }
            else
            {
                next[name.Subset] = cluster;
            }

            subsets = next.Count == 0 ? NoSubsets : next.ToFrozenDictionary(StringComparer.Ordinal);
        }

        if (all is null && subsets.Count == 0)
        {
            return null;
        }

        return service is null
            ? new MeshService(name.Host, name.Service, name.Namespace, name.Port, all, subsets)
            : new MeshService(service.Host, service.Name, service.Namespace, service.Port, all, subsets);
    }
}
