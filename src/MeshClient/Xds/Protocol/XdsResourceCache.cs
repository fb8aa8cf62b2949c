using System.Collections.Immutable;
using MeshClient.Registry;

namespace MeshClient.Xds.Protocol;

/// <summary>
/// The last applied clusters (CDS) and load assignments (EDS), from which the registry's clusters are built, resource
/// by resource: each operation marks only the clusters it changes, and <see cref="PublishTo"/> builds and swaps in only
/// those (the snapshot shares every other cluster and service with the one before). A push of k clusters costs O(k),
/// never the size of the mesh. Kept across reconnects, so the registry keeps serving the last good state. Not
/// thread-safe: one stream loop owns it.
/// </summary>
/// <remarks>
/// Per-resource operations (for state-of-the-world and delta alike): <see cref="UpsertCluster"/>,
/// <see cref="RemoveCluster"/>, <see cref="UpsertAssignment"/>, <see cref="RemoveAssignment"/>; then
/// <see cref="PublishTo"/> once per response.
/// </remarks>
internal sealed partial class XdsResourceCache
{
    private readonly Dictionary<string, DecodedCluster> _clusters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EdsAssignment> _assignments = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unused = new(StringComparer.Ordinal);
    private long _endpointCount;
    private ImmutableArray<string>? _edsServiceNames = ImmutableArray<string>.Empty;

    /// <summary>Whether a CDS response has been applied.</summary>
    public bool HasClusters { get; private set; }

    /// <summary>The EDS service names of the current clusters, sorted ordinally, without duplicates.</summary>
    public ImmutableArray<string> EdsServiceNames => _edsServiceNames ??= [.. _assignments
        .Where(a => a.Value.Users > 0)
        .Select(a => a.Key)
        .Order(StringComparer.Ordinal)];

    /// <summary>The number of clusters.</summary>
    public int ClusterCount => _clusters.Count;

    /// <summary>The number of endpoints the registry holds once published (each cluster counted, shared assignments too).</summary>
    public long EndpointCount => _endpointCount;

    /// <summary>Records that the clusters are known (a first CDS response applied), so <see cref="PublishTo"/> publishes.</summary>
    public void MarkClustersReceived() => HasClusters = true;

    /// <summary>
    /// Replaces the clusters with a full CDS set: clusters missing from it are removed, and the assignments of EDS
    /// names no cluster uses any more are dropped. Only clusters whose content differs are marked changed.
    /// </summary>
    /// <param name="clusters">The full set.</param>
    public void ReplaceClusters(IReadOnlyList<DecodedCluster> clusters)
    {
        var present = new HashSet<string>(clusters.Count, StringComparer.Ordinal);
        foreach (var cluster in clusters)
        {
            present.Add(cluster.Name);
        }

        foreach (var name in _clusters.Keys.Where(n => !present.Contains(n)).ToList())
        {
            RemoveCluster(name);
        }

        foreach (var cluster in clusters)
        {
            UpsertCluster(cluster);
        }

        DropUnusedAssignments();
        HasClusters = true;
    }

    /// <summary>The current cluster named <paramref name="name"/>, or <see langword="null"/>.</summary>
    public DecodedCluster? FindCluster(string name) => _clusters.GetValueOrDefault(name);

    /// <summary>Applies a delta CDS change resource by resource: O(changed clusters).</summary>
    /// <param name="upserts">Clusters added or changed.</param>
    /// <param name="removed">Names of clusters removed.</param>
    public void ApplyClusterChanges(IReadOnlyList<DecodedCluster> upserts, IReadOnlyCollection<string> removed)
    {
        foreach (var name in removed)
        {
            RemoveCluster(name);
        }

        foreach (var cluster in upserts)
        {
            UpsertCluster(cluster);
        }

        HasClusters = true;
    }

    /// <summary>Forgets the assignments of <paramref name="serviceNames"/> (unsubscribed, or removed by Pilot).</summary>
    /// <param name="serviceNames">The EDS service names.</param>
    public void RemoveAssignments(IEnumerable<string> serviceNames)
    {
        foreach (var name in serviceNames)
        {
            RemoveAssignment(name);
        }
    }

    /// <summary>
    /// Drops the assignments of EDS names no cluster uses any more. Deferred to the end of a response, so a name that
    /// moves from one cluster to another within it keeps its endpoints. O(names that lost their last cluster).
    /// </summary>
    public void DropUnusedAssignments()
    {
        foreach (var name in _unused)
        {
            if (_assignments.TryGetValue(name, out var entry) && entry.Users == 0)
            {
                _assignments.Remove(name);
            }
        }

        ClearAndTrim(_unused);
    }

    /// <summary>Empties a set of names and gives back its table when a whole mesh had passed through it (a full push).</summary>
    private static void ClearAndTrim(HashSet<string> names)
    {
        var large = names.Count > 64;
        names.Clear();
        if (large)
        {
            names.TrimExcess();
        }
    }

    /// <summary>Adds a cluster or replaces the one of its name; nothing is marked when the content is the same.</summary>
    /// <param name="cluster">The cluster.</param>
    /// <returns>Whether anything changed.</returns>
    public bool UpsertCluster(DecodedCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (_clusters.TryGetValue(cluster.Name, out var existing))
        {
            if (SameCluster(existing, cluster))
            {
                return false;
            }

            Detach(existing);
        }

        // Istio names the EDS resource after the cluster: keep one string for both.
        if (cluster.EdsServiceName is { } eds && !ReferenceEquals(eds, cluster.Name) && string.Equals(eds, cluster.Name, StringComparison.Ordinal))
        {
            cluster = cluster with { EdsServiceName = cluster.Name };
        }

        _clusters[cluster.Name] = cluster;
        Attach(cluster);
        _dirty.Add(cluster.Name);
        return true;
    }

    /// <summary>Removes a cluster; its EDS assignment is dropped when no other cluster uses it.</summary>
    /// <param name="name">The cluster name.</param>
    /// <returns>Whether it was present.</returns>
    public bool RemoveCluster(string name)
    {
        if (!_clusters.Remove(name, out var existing))
        {
            return false;
        }

        Detach(existing);
        _dirty.Add(existing.Name);
        return true;
    }

    private void Attach(DecodedCluster cluster)
    {
        if (cluster.EdsServiceName is not { } name)
        {
            _endpointCount += Count(cluster.InlineEndpoints);
            return;
        }

        if (!_assignments.TryGetValue(name, out var entry))
        {
            entry = new EdsAssignment();
            _assignments.Add(name, entry);
        }

        if (entry.Users == 0)
        {
            _edsServiceNames = null;
            NameGained(name);
        }

        entry.AddUser(cluster.Name);
        _endpointCount += entry.Endpoints?.Length ?? 0;
    }

    private void Detach(DecodedCluster cluster)
    {
        if (cluster.EdsServiceName is not { } name)
        {
            _endpointCount -= Count(cluster.InlineEndpoints);
            return;
        }

        if (!_assignments.TryGetValue(name, out var entry))
        {
            return;
        }

        _endpointCount -= entry.Endpoints?.Length ?? 0;
        entry.RemoveUser(cluster.Name);
        if (entry.Users == 0)
        {
            _unused.Add(name);
            _edsServiceNames = null;
            NameLost(name);
        }
    }

    private static bool SameCluster(DecodedCluster a, DecodedCluster b) =>
        a.LoadBalancerPolicy == b.LoadBalancerPolicy
        && a.LocalityWeighted == b.LocalityWeighted
        && Equals(a.PeerTls, b.PeerTls)
        && string.Equals(a.EdsServiceName, b.EdsServiceName, StringComparison.Ordinal)
        && SameEndpoints(a.InlineEndpoints, b.InlineEndpoints);

    private static bool SameEndpoints(ImmutableArray<MeshEndpoint> a, ImmutableArray<MeshEndpoint> b)
    {
        if (a.IsDefaultOrEmpty || b.IsDefaultOrEmpty)
        {
            return a.IsDefaultOrEmpty && b.IsDefaultOrEmpty;
        }

        if (a == b)
        {
            return true;
        }

        if (a.Length != b.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (!ClusterContent.Equal(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static int Count(ImmutableArray<MeshEndpoint> endpoints) => endpoints.IsDefault ? 0 : endpoints.Length;
}
