using System.Collections.Immutable;

namespace MeshClient.Registry;

/// <summary>
/// Edits the persistent maps of a <see cref="RegistrySnapshot"/>: every cluster set or removed updates the cluster map,
/// the one service port its Istio name belongs to and, when a host appears or goes, the name index. Each edit costs
/// O(log n) plus the size of the one service it touches; everything else is shared with the snapshot it started from.
/// </summary>
internal sealed class RegistrySnapshotBuilder
{
    private readonly ImmutableDictionary<string, MeshCluster>.Builder _clusters;
    private readonly ImmutableDictionary<string, ImmutableArray<MeshService>>.Builder _servicesByHost;
    private readonly ImmutableDictionary<string, ImmutableArray<string>>.Builder _hostsByNameAndNamespace;

    public RegistrySnapshotBuilder(
        ImmutableDictionary<string, MeshCluster> clusters,
        ImmutableDictionary<string, ImmutableArray<MeshService>> servicesByHost,
        ImmutableDictionary<string, ImmutableArray<string>> hostsByNameAndNamespace)
    {
        _clusters = clusters.ToBuilder();
        _servicesByHost = servicesByHost.ToBuilder();
        _hostsByNameAndNamespace = hostsByNameAndNamespace.ToBuilder();
    }

    /// <summary>Adds a cluster whose name must not be present yet.</summary>
    /// <exception cref="ArgumentException">A cluster of that name is present.</exception>
    public void Add(MeshCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        _clusters.Add(cluster.Name, cluster);
        Index(cluster.IstioName, cluster);
    }

    /// <summary>Adds or replaces the cluster of its name.</summary>
    public void Set(MeshCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        _clusters[cluster.Name] = cluster;
        Index(cluster.IstioName, cluster);
    }

    /// <summary>Removes the cluster of <paramref name="name"/>, if present.</summary>
    /// <returns>Whether it was present.</returns>
    public bool Remove(string name)
    {
        if (!_clusters.TryGetValue(name, out var cluster))
        {
            return false;
        }

        _clusters.Remove(name);
        Index(cluster.IstioName, null);
        return true;
    }

    public (ImmutableDictionary<string, MeshCluster> Clusters, ImmutableDictionary<string, ImmutableArray<MeshService>> ServicesByHost, ImmutableDictionary<string, ImmutableArray<string>> HostsByNameAndNamespace) ToImmutable() =>
        (_clusters.ToImmutable(), _servicesByHost.ToImmutable(), _hostsByNameAndNamespace.ToImmutable());

    /// <summary>The key of the name index for a host: <c>name.namespace</c>, or <see langword="null"/> for a host without a namespace.</summary>
    public static string? NameKey(MeshService service) => service.Namespace is { } ns ? service.Name + "." + ns : null;

    private void Index(IstioClusterName? name, MeshCluster? cluster)
    {
        // The name decides the slot (host, port, subset): setting a cluster of the same name again overwrites it.
        if (name is not { Direction: "outbound" })
        {
            return;
        }

        var ports = _servicesByHost.TryGetValue(name.Host, out var found) ? found : ImmutableArray<MeshService>.Empty;
        var index = IndexOfPort(ports, name.Port);
        var service = MeshService.WithCluster(index >= 0 ? ports[index] : null, name, cluster);
        ImmutableArray<MeshService> next;
        if (service is null)
        {
            next = index >= 0 ? ports.RemoveAt(index) : ports;
        }
        else if (index >= 0)
        {
            next = ports.SetItem(index, service);
        }
        else
        {
            next = ports.Insert(~index, service);
        }

        if (next.IsEmpty)
        {
            if (!ports.IsEmpty)
            {
                _servicesByHost.Remove(name.Host);
                RemoveName(ports[0]);
            }

            return;
        }

        _servicesByHost[next[0].Host] = next;
        if (ports.IsEmpty)
        {
            AddName(next[0]);
        }
    }

    private static int IndexOfPort(ImmutableArray<MeshService> ports, int port)
    {
        var low = 0;
        var high = ports.Length - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var at = ports[middle].Port;
            if (at == port)
            {
                return middle;
            }

            if (at < port)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return ~low;
    }

    private void AddName(MeshService service)
    {
        if (NameKey(service) is not { } key)
        {
            return;
        }

        // Hosts that share a name and namespace (reviews.default and reviews.default.svc.cluster.local): the
        // ordinally first one answers for the short forms, whatever order they arrived in.
        var hosts = _hostsByNameAndNamespace.TryGetValue(key, out var found) ? found : ImmutableArray<string>.Empty;
        var at = 0;
        while (at < hosts.Length && string.CompareOrdinal(hosts[at], service.Host) < 0)
        {
            at++;
        }

        _hostsByNameAndNamespace[key] = hosts.Insert(at, service.Host);
    }

    private void RemoveName(MeshService service)
    {
        if (NameKey(service) is not { } key || !_hostsByNameAndNamespace.TryGetValue(key, out var hosts))
        {
            return;
        }

        var next = hosts.Remove(service.Host, StringComparer.Ordinal);
        if (next.IsEmpty)
        {
            _hostsByNameAndNamespace.Remove(key);
        }
        else
        {
            _hostsByNameAndNamespace[key] = next;
        }
    }
}
