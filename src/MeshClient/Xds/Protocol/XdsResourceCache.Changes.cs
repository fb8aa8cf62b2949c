namespace MeshClient.Xds.Protocol;

/// <summary>
/// What a change does to the totals and to the set of EDS names, in O(changed) rather than O(clusters): the limit
/// checks of a delta CDS response, and the EDS names to subscribe and unsubscribe after a CDS change.
/// </summary>
internal sealed partial class XdsResourceCache
{
    private readonly HashSet<string> _edsNamesGained = new(StringComparer.Ordinal);
    private readonly HashSet<string> _edsNamesLost = new(StringComparer.Ordinal);

    /// <summary>
    /// How many clusters and endpoints the cache would hold after <see cref="ApplyClusterChanges"/> with the same
    /// arguments (the current clusters without <paramref name="removed"/>, with <paramref name="upserts"/> replacing
    /// those of their names or added), without changing anything. O(upserts + removed).
    /// </summary>
    /// <param name="upserts">Clusters added or changed; of two with one name the last counts.</param>
    /// <param name="removed">Names of clusters removed; a name also upserted stays.</param>
    /// <returns>The number of clusters and of endpoints (each cluster counted, shared assignments too).</returns>
    public (int Clusters, long Endpoints) CountAfterChanges(IReadOnlyList<DecodedCluster> upserts, IReadOnlyCollection<string> removed)
    {
        var clusters = _clusters.Count;
        var endpoints = _endpointCount;
        var seen = new HashSet<string>(upserts.Count + removed.Count, StringComparer.Ordinal);
        for (var i = upserts.Count - 1; i >= 0; i--)
        {
            var cluster = upserts[i];
            if (!seen.Add(cluster.Name))
            {
                continue;
            }

            if (_clusters.TryGetValue(cluster.Name, out var existing))
            {
                endpoints -= EndpointsOf(existing);
            }
            else
            {
                clusters++;
            }

            endpoints += EndpointsOf(cluster);
        }

        foreach (var name in removed)
        {
            if (seen.Add(name) && _clusters.TryGetValue(name, out var existing))
            {
                clusters--;
                endpoints -= EndpointsOf(existing);
            }
        }

        return (clusters, endpoints);
    }

    /// <summary>
    /// The EDS names that got their first cluster (gained) and that lost their last one (lost) since the last call,
    /// net of names that did both; then forgets them. After a CDS change, the EDS subscription of every cluster moves
    /// by exactly these names. O(names changed).
    /// </summary>
    /// <returns>The names gained and lost, in no particular order.</returns>
    public (List<string> Gained, List<string> Lost) TakeEdsNameChanges()
    {
        var changes = (new List<string>(_edsNamesGained), new List<string>(_edsNamesLost));
        _edsNamesGained.Clear();
        _edsNamesLost.Clear();
        return changes;
    }

    private long EndpointsOf(DecodedCluster cluster) =>
        cluster.EdsServiceName is not { } name
            ? Count(cluster.InlineEndpoints)
            : _assignments.TryGetValue(name, out var entry) ? entry.Endpoints?.Length ?? 0 : 0;

    private void NameGained(string name)
    {
        if (!_edsNamesLost.Remove(name))
        {
            _edsNamesGained.Add(name);
        }
    }

    private void NameLost(string name)
    {
        if (!_edsNamesGained.Remove(name))
        {
            _edsNamesLost.Add(name);
        }
    }
}
