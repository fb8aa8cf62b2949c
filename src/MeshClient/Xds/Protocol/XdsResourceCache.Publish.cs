using System.Collections.Immutable;
using MeshClient.Registry;

namespace MeshClient.Xds.Protocol;

/// <summary>Building the registry's clusters from the cache and publishing the changed ones.</summary>
internal sealed partial class XdsResourceCache
{
    private RegistrySnapshot? _published;

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
        if (!errors.Any)
        {
            return result;
        }

        var present = valid.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var previous in _clusters.Values)
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
    /// overridden by <paramref name="assignments"/>. With the current clusters (<see langword="null"/>) it costs
    /// O(assignments), not O(clusters).
    /// </summary>
    /// <param name="clusters">The clusters, or <see langword="null"/> for the current ones.</param>
    /// <param name="assignments">Assignments that would replace the current ones of their names.</param>
    /// <returns>The total number of endpoints.</returns>
    public long CountEndpoints(IReadOnlyList<DecodedCluster>? clusters, IReadOnlyList<DecodedLoadAssignment> assignments)
    {
        if (clusters is null)
        {
            var total = _endpointCount;
            foreach (var assignment in assignments)
            {
                if (_assignments.TryGetValue(assignment.ServiceName, out var entry))
                {
                    total += (assignment.Endpoints.Length - (entry.Endpoints?.Length ?? 0)) * (long)entry.Users;
                }
            }

            return total;
        }

        var replacing = new Dictionary<string, int>(assignments.Count, StringComparer.Ordinal);
        foreach (var assignment in assignments)
        {
            replacing[assignment.ServiceName] = assignment.Endpoints.Length;
        }

        var sum = 0L;
        foreach (var cluster in clusters)
        {
            if (cluster.EdsServiceName is null)
            {
                sum += Count(cluster.InlineEndpoints);
            }
            else if (replacing.TryGetValue(cluster.EdsServiceName, out var count))
            {
                sum += count;
            }
            else if (_assignments.TryGetValue(cluster.EdsServiceName, out var entry))
            {
                sum += entry.Endpoints?.Length ?? 0;
            }
        }

        return sum;
    }

    /// <summary>
    /// Builds the registry's clusters: an EDS cluster without an assignment yet has no endpoints and
    /// <see cref="MeshCluster.EndpointsReceived"/> false. O(clusters): for tests and diagnostics, not the push path.
    /// </summary>
    /// <returns>The clusters.</returns>
    public List<MeshCluster> BuildClusters() => [.. _clusters.Values.Select(c => Build(c, null))];

    /// <summary>
    /// Swaps a snapshot into <paramref name="registry"/> with the clusters changed since the last publish (those whose
    /// content differs from what the registry holds); every other cluster and service is shared with the current
    /// snapshot. Does nothing before the first CDS response, or when nothing differs. When the registry's snapshot is
    /// not the one this cache published last (another writer replaced it), every cluster is compared once instead.
    /// </summary>
    /// <param name="registry">The registry.</param>
    /// <returns>The new snapshot, or <see langword="null"/> when nothing changed.</returns>
    public RegistrySnapshot? PublishTo(MeshRegistry registry)
    {
        DropUnusedAssignments();
        if (!HasClusters || (_dirty.Count == 0 && ReferenceEquals(registry.Current, _published)))
        {
            return null;
        }

        RegistrySnapshot? published = null;
        var current = registry.Update((current, version) =>
        {
            var upserts = new List<MeshCluster>();
            var removals = new List<string>();
            if (ReferenceEquals(current, _published))
            {
                foreach (var name in _dirty)
                {
                    Diff(current, name, upserts, removals);
                }
            }
            else
            {
                removals.AddRange(current.Clusters.Keys.Where(n => !_clusters.ContainsKey(n)));
                foreach (var name in _clusters.Keys)
                {
                    Diff(current, name, upserts, removals);
                }
            }

            if (upserts.Count == 0 && removals.Count == 0)
            {
                return null;
            }

            published = current.With(version, upserts, removals);
            return published;
        });
        _published = current;
        ClearAndTrim(_dirty);
        return published;
    }

    private void Diff(RegistrySnapshot current, string name, List<MeshCluster> upserts, List<string> removals)
    {
        current.Clusters.TryGetValue(name, out var existing);
        if (!_clusters.TryGetValue(name, out var cluster))
        {
            if (existing is not null)
            {
                removals.Add(name);
            }

            return;
        }

        var built = Build(cluster, existing);
        if (existing is null || !ClusterContent.Equal(existing, built))
        {
            upserts.Add(built);
        }
    }

    private MeshCluster Build(DecodedCluster cluster, MeshCluster? existing)
    {
        ImmutableArray<MeshEndpoint> endpoints;
        bool received;
        if (cluster.EdsServiceName is null)
        {
            (endpoints, received) = (cluster.InlineEndpoints, true);
        }
        else if (_assignments.TryGetValue(cluster.EdsServiceName, out var entry) && entry.Endpoints is { } known)
        {
            (endpoints, received) = (known, true);
        }
        else
        {
            (endpoints, received) = (ImmutableArray<MeshEndpoint>.Empty, false);
        }

        return existing is not null
            ? existing.With(endpoints, cluster.LoadBalancerPolicy, received, cluster.LocalityWeighted, cluster.PeerTls)
            : new MeshCluster(cluster.Name, endpoints, cluster.LoadBalancerPolicy, received, cluster.LocalityWeighted) { PeerTls = cluster.PeerTls };
    }
}
