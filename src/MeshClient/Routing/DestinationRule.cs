using System.Collections.Immutable;
using MeshClient.LoadBalancing;

namespace MeshClient.Routing;

/// <summary>One Istio DestinationRule, as far as routing needs it.</summary>
/// <param name="Name">metadata.name.</param>
/// <param name="Namespace">metadata.namespace, or the default namespace.</param>
/// <param name="Host">spec.host resolved: <c>name.namespace</c> for Kubernetes services, otherwise the host as written (lower case).</param>
/// <param name="Strategy">The top-level <c>trafficPolicy.loadBalancer.simple</c>, if set.</param>
/// <param name="Subsets">The subsets in written order.</param>
/// <param name="File">The file the rule was read from.</param>
/// <param name="Line">The line of the document's <c>spec.host</c>.</param>
internal sealed record DestinationRule(
    string Name,
    string Namespace,
    string Host,
    LoadBalancingStrategy? Strategy,
    ImmutableArray<DestinationRuleSubset> Subsets,
    string File,
    int Line)
{
    public DestinationRuleSubset? FindSubset(string name)
    {
        foreach (var subset in Subsets)
        {
            if (string.Equals(subset.Name, name, StringComparison.Ordinal))
            {
                return subset;
            }
        }

        return null;
    }
}
