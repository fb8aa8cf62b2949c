namespace MeshClient.Registry;

/// <summary>
/// Compares clusters field by field: the xDS client publishes no snapshot for an update that changes nothing, and the
/// router keeps a service's routes (and so its balancer positions) across snapshots that leave the service as it was.
/// </summary>
internal static class ClusterContent
{
    /// <summary>Whether two clusters have the same name, policy, endpoint state, peer TLS settings and endpoints (in order).</summary>
    public static bool Equal(MeshCluster a, MeshCluster b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (!string.Equals(a.Name, b.Name, StringComparison.Ordinal)
            || a.LoadBalancerPolicy != b.LoadBalancerPolicy
            || a.EndpointsReceived != b.EndpointsReceived
            || a.LocalityWeighted != b.LocalityWeighted
            || !Equals(a.PeerTls, b.PeerTls)
            || a.Endpoints.Length != b.Endpoints.Length)
        {
            return false;
        }

        if (a.Endpoints == b.Endpoints)
        {
            return true;
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

    /// <summary>Whether two service ports have the same host, port and clusters.</summary>
    public static bool Equal(MeshService a, MeshService b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (a.Port != b.Port
            || !string.Equals(a.Host, b.Host, StringComparison.Ordinal)
            || a.Subsets.Count != b.Subsets.Count
            || (a.AllEndpoints is null) != (b.AllEndpoints is null)
            || (a.AllEndpoints is { } all && !Equal(all, b.AllEndpoints!)))
        {
            return false;
        }

        foreach (var (name, cluster) in a.Subsets)
        {
            if (!b.Subsets.TryGetValue(name, out var other) || !Equal(cluster, other))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether two endpoints have the same address, port, health, weights, locality, priority, sidecar mark and labels.</summary>
    public static bool Equal(MeshEndpoint a, MeshEndpoint b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }

        if (!a.HasSameAddressText(b)
            || a.Port != b.Port
            || a.Health != b.Health
            || !a.Placement.Equals(b.Placement)
            || a.IstioTlsMode != b.IstioTlsMode
            || !a.OwnLabels.ContentEquals(b.OwnLabels))
        {
            return false;
        }

        return true;
    }
}
