using System.Collections.Immutable;
using MeshClient.Registry;

namespace MeshClient.Xds.Protocol;

/// <summary>
/// The last applied CDS set and EDS assignments, from which the registry's clusters are built. Kept across
/// reconnects, so the registry keeps serving the last good state. Not thread-safe: one stream loop owns it.
/// </summary>
internal sealed class XdsResourceCache
{
    private readonly Dictionary<string, ImmutableArray<MeshEndpoint>> _assignments = new(StringComparer.Ordinal);
    private List<DecodedCluster> _clusters = [];
    private Dictionary<string, DecodedCluster> _clustersByName = new(StringComparer.Ordinal);

    /// <summary>Whether a CDS response has been applied.</summary>
    public bool HasClusters { get; private set; }

    /// <summary>The EDS service names of the current clusters, sorted ordinally, without duplicates.</summary>
    public ImmutableArray<string> EdsServiceNames { get; private set; } = ImmutableArray<string>.Empty;

    /// <summary>The number of clusters.</summary>
    public int ClusterCount => _clusters.Count;

    /// <summary>
    /// Replaces the clusters with a full CDS set; clusters missing from it are gone, and the assignments of EDS
    /// names no cluster uses any more are dropped.
    /// </summary>
    /// <param name="clusters">The full set.</param>
    public void ReplaceClusters(IReadOnlyList<DecodedCluster> clusters)
    {
        _clusters = [.. clusters];
        _clustersByName = _clusters.ToDictionary(c => c.Name, StringComparer.Ordinal);
        HasClusters = true;
        EdsServiceNames = [.. clusters
            .Where(c => c.EdsServiceName is not null)
            .Select(c => c.EdsServiceName!)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];

        var used = EdsServiceNames.ToHashSet(StringComparer.Ordinal);
        foreach (var name in _assignments.Keys.Where(n => !used.Contains(n)).ToList())
        {
            _assignments.Remove(name);
        }
    }

    /// <summary>The current cluster named <paramref name="name"/>, or <see langword="null"/>.</summary>
    public DecodedCluster? FindCluster(string name) => _clustersByName.GetValueOrDefault(name);

    /// <summary>
    /// The full CDS set after a delta: the current clusters without <paramref name="removed"/>, with
    /// <paramref name="upserts"/> replacing those of their names or added after them.
    /// </summary>
    /// <param name="upserts">Clusters added or changed.</param>
    /// <param name="removed">Names of clusters removed.</param>
    /// <returns>The clusters to apply with <see cref="ReplaceClusters"/>.</returns>
    public List<DecodedCluster> WithChanges(IReadOnlyList<DecodedCluster> upserts, IReadOnlyCollection<string> removed)
    {
        var byName = upserts.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var result = new List<DecodedCluster>(_clusters.Count + upserts.Count);
        foreach (var current in _clusters)
        {
            if (byName.Remove(current.Name, out var replacement))
            {
                result.Add(replacement);
            }
            else if (!removed.Contains(current.Name))
            {
                result.Add(current);
            }
        }

        foreach (var upsert in upserts)
        {
            if (byName.ContainsKey(upsert.Name))
            {
                result.Add(upsert);
            }
        }

        return result;
    }

    /// <summary>Forgets the assignments of <paramref name="serviceNames"/> (unsubscribed, or removed by Pilot).</summary>
    /// <param name="serviceNames">The EDS service names.</param>
    public void RemoveAssignments(IEnumerable<string> serviceNames)
    {
        foreach (var name in serviceNames)
        {
            _assignments.Remove(name);
        }
    }

    /// <summary>
    /// The full CDS set a response yields (gRFC A46): its valid clusters, plus, for each invalid cluster whose name is
    /// known, that cluster's last good version (none when it had none). When some invalid resource has no readable
    /// name it may be any cluster, so no cluster is removed: every current cluster the response lacks stays too.
    /// </summary>
    /// <param name="valid">The valid clusters of the response.</param>
    /// <param name="errors">Its invalid clusters.</param>
    /// <returns>The clusters to apply.</returns>
    public List<DecodedCluster> WithLastGood(IReadOnlyList<DecodedCluster> valid, XdsResourceErrors errors)
    {
        var result = new List<DecodedCluster>(valid.Count + errors.Names.Count);
        result.AddRange(valid);
        var present = valid.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var previous in _clusters)
        {
            if (errors.Names.Contains(previous.Name) || (errors.AnyUnnamed && !present.Contains(previous.Name)))
            {
                result.Add(previous);
            }
        }

        return result;
    }

    /// <summary>
    /// How many endpoints the registry would hold with <paramref name="clusters"/> and the current assignments
    /// overridden by <paramref name="assignments"/>.
    /// </summary>
    /// <param name="clusters">The clusters, or <see langword="null"/> for the current ones.</param>
    /// <param name="assignments">Assignments that would replace the current ones of their names.</param>
    /// <returns>The total number of endpoints.</returns>
    public long CountEndpoints(IReadOnlyList<DecodedCluster>? clusters, IReadOnlyList<DecodedLoadAssignment> assignments)
    {
        var replacing = new Dictionary<string, int>(assignments.Count, StringComparer.Ordinal);
        foreach (var assignment in assignments)
        {
            replacing[assignment.ServiceName] = assignment.Endpoints.Length;
        }

        var total = 0L;
        foreach (var cluster in clusters ?? _clusters)
        {
            if (cluster.EdsServiceName is null)
            {
                total += cluster.InlineEndpoints.Length;
                continue;
            }

            if (replacing.TryGetValue(cluster.EdsServiceName, out var count))
            {
                total += count;
            }
            else if (_assignments.TryGetValue(cluster.EdsServiceName, out var endpoints))
            {
                total += endpoints.Length;
            }
        }

        return total;
    }

    /// <summary>Applies EDS assignments; assignments of other names stay as they are.</summary>
    /// <param name="assignments">The assignments, each for a subscribed name.</param>
    public void ApplyAssignments(IEnumerable<DecodedLoadAssignment> assignments)
    {
        foreach (var assignment in assignments)
        {
            _assignments[assignment.ServiceName] = assignment.Endpoints;
        }
    }

    /// <summary>Whether endpoints for an EDS name are known.</summary>
    public bool HasAssignment(string serviceName) => _assignments.ContainsKey(serviceName);

    /// <summary>Builds the registry's clusters: an EDS cluster without an assignment yet has no endpoints and <see cref="MeshCluster.EndpointsReceived"/> false.</summary>
    /// <returns>The clusters.</returns>
    public List<MeshCluster> BuildClusters()
    {
        var result = new List<MeshCluster>(_clusters.Count);
        foreach (var cluster in _clusters)
        {
            if (cluster.EdsServiceName is null)
            {
                result.Add(new MeshCluster(cluster.Name, cluster.InlineEndpoints, cluster.LoadBalancerPolicy, endpointsReceived: true, cluster.LocalityWeighted));
            }
            else if (_assignments.TryGetValue(cluster.EdsServiceName, out var endpoints))
            {
                result.Add(new MeshCluster(cluster.Name, endpoints, cluster.LoadBalancerPolicy, endpointsReceived: true, cluster.LocalityWeighted));
            }
            else
            {
                result.Add(new MeshCluster(cluster.Name, ImmutableArray<MeshEndpoint>.Empty, cluster.LoadBalancerPolicy, endpointsReceived: false, cluster.LocalityWeighted));
            }
        }

        return result;
    }

    /// <summary>
    /// Swaps a new snapshot into <paramref name="registry"/> when its content differs from what the registry holds;
    /// does nothing before the first CDS response.
    /// </summary>
    /// <param name="registry">The registry.</param>
    /// <returns>The new snapshot, or <see langword="null"/> when nothing changed.</returns>
    public RegistrySnapshot? PublishTo(MeshRegistry registry)
    {
        if (!HasClusters)
        {
            return null;
        }

        var clusters = BuildClusters();
        RegistrySnapshot? published = null;
        registry.Update((current, version) =>
        {
            if (MeshClusterContent.Equal(current.Clusters, clusters))
            {
                return null;
            }

            published = new RegistrySnapshot(version, clusters);
            return published;
        });
        return published;
    }
}
