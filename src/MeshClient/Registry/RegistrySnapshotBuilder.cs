using System.Collections.Immutable;

namespace MeshClient.Registry;

/// <summary>
/// Edits the persistent maps of a <see cref="RegistrySnapshot"/>: every cluster set or removed updates the cluster map,
/// the one service port its Istio name belongs to and, when a Kubernetes host (<c>name.namespace.svc[...]</c>) appears or
/// goes, the count of hosts per domain suffix (what follows <c>.svc</c>: <c>.cluster.local</c>, or nothing), by which
/// short names are resolved. Each edit costs O(log n) plus the size of the one service it touches; everything else is
/// shared with the snapshot it started from.
/// </summary>
internal sealed class RegistrySnapshotBuilder
{
    private readonly ImmutableDictionary<string, MeshCluster>.Builder _clusters;
    private readonly ImmutableDictionary<string, ImmutableArray<MeshService>>.Builder _servicesByHost;
    private readonly ImmutableDictionary<string, int>.Builder _hostsBySuffix;

    public RegistrySnapshotBuilder(
        ImmutableDictionary<string, MeshCluster> clusters,
        ImmutableDictionary<string, ImmutableArray<MeshService>> servicesByHost,
        ImmutableDictionary<string, int> hostsBySuffix)
    {
        _clusters = clusters.ToBuilder();
        _servicesByHost = servicesByHost.ToBuilder();
        _hostsBySuffix = hostsBySuffix.ToBuilder();
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

    public (ImmutableDictionary<string, MeshCluster> Clusters, ImmutableDictionary<string, ImmutableArray<MeshService>> ServicesByHost, ImmutableDictionary<string, int> HostsBySuffix) ToImmutable() =>
        (_clusters.ToImmutable(), _servicesByHost.ToImmutable(), _hostsBySuffix.ToImmutable());

    /// <summary>
    /// What follows <c>name.namespace.svc</c> in a Kubernetes host (<c>.cluster.local</c>, or empty), or
    /// <see langword="null"/> for a host without a namespace.
    /// </summary>
    public static string? Suffix(MeshService service) =>
        service.Namespace is { } ns ? service.Host[(service.Name.Length + 1 + ns.Length + ".svc".Length)..] : null;

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
        if (Suffix(service) is { } suffix)
        {
            _hostsBySuffix[suffix] = _hostsBySuffix.GetValueOrDefault(suffix) + 1;
        }
    }

    private void RemoveName(MeshService service)
    {
        if (Suffix(service) is not { } suffix || !_hostsBySuffix.TryGetValue(suffix, out var count))
        {
            return;
        }

        if (count <= 1)
        {
            _hostsBySuffix.Remove(suffix);
        }
        else
        {
            _hostsBySuffix[suffix] = count - 1;
        }
    }
}
