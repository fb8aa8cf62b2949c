using MeshClient.Registry;

namespace MeshClient.Xds.Protocol;

/// <summary>
/// Compares registry content field by field, so an update that changes nothing the registry holds (the same
/// resources again, or only fields the client ignores) publishes no new snapshot.
/// </summary>
internal static class MeshClusterContent
{
    /// <summary>Whether <paramref name="current"/> holds exactly <paramref name="next"/>.</summary>
    public static bool Equal(IReadOnlyDictionary<string, MeshCluster> current, IReadOnlyList<MeshCluster> next)
    {
        if (current.Count != next.Count)
        {
            return false;
        }

        foreach (var cluster in next)
        {
            if (!current.TryGetValue(cluster.Name, out var existing) || !ClusterContent.Equal(existing, cluster))
            {
                return false;
            }
        }

        return true;
    }
}
