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
            if (!current.TryGetValue(cluster.Name, out var existing) || !Equal(existing, cluster))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether two clusters have the same name, policy, endpoint state and endpoints (in order).</summary>
    public static bool Equal(MeshCluster a, MeshCluster b)
    {
        if (!string.Equals(a.Name, b.Name, StringComparison.Ordinal)
            || a.LoadBalancerPolicy != b.LoadBalancerPolicy
            || a.EndpointsReceived != b.EndpointsReceived
            || a.Endpoints.Length != b.Endpoints.Length)
        {
            return false;
        }

        for (var i = 0; i < a.Endpoints.Length; i++)
        {
            if (!Equal(a.Endpoints[i], b.Endpoints[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Equal(MeshEndpoint a, MeshEndpoint b)
    {
        if (!string.Equals(a.Address, b.Address, StringComparison.Ordinal)
            || a.Port != b.Port
            || a.Health != b.Health
            || a.Weight != b.Weight
            || a.Locality != b.Locality
            || a.LocalityWeight != b.LocalityWeight
            || a.Priority != b.Priority
            || a.Labels.Count != b.Labels.Count)
        {
            return false;
        }

        foreach (var (key, value) in a.Labels)
        {
            if (!b.Labels.TryGetValue(key, out var other) || !string.Equals(value, other, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
