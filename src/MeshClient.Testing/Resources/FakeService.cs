using System.Collections.Immutable;
using MeshClient.Registry;

namespace MeshClient.Testing.Resources;

/// <summary>
/// A service as a test set it: host, port, endpoints, subsets, load-balancing policy, and whether its clusters ask for
/// locality-weighted balancing (<c>common_lb_config.locality_weighted_lb_config</c>). Immutable.
/// </summary>
internal sealed record FakeService(
    string Host,
    int Port,
    ImmutableArray<FakeEndpoint> Endpoints,
    ImmutableArray<FakeSubset> Subsets,
    ClusterLoadBalancerPolicy LoadBalancerPolicy,
    bool LocalityWeighted = false)
{
    /// <summary>The name of the cluster that holds all endpoints: <c>outbound|PORT||HOST</c>.</summary>
    public string AllEndpointsClusterName => ClusterName(string.Empty);

    /// <summary>The Istio cluster name for <paramref name="subset"/> (empty for all endpoints).</summary>
    public string ClusterName(string subset) => FormattableString.Invariant($"outbound|{Port}|{subset}|{Host}");

    /// <summary>The service's clusters in order: all endpoints first, then one per subset, each with its endpoints.</summary>
    public IEnumerable<(string ClusterName, string Subset, IEnumerable<FakeEndpoint> Endpoints)> Clusters()
    {
        yield return (AllEndpointsClusterName, string.Empty, Endpoints);
        foreach (var subset in Subsets)
        {
            yield return (ClusterName(subset.Name), subset.Name, Endpoints.Where(subset.Contains));
        }
    }
}
