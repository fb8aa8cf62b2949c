using MeshClient.LoadBalancing;

namespace MeshClient.Routing;

/// <summary>A subset of a DestinationRule: the labels its endpoints carry and its own load-balancing policy.</summary>
/// <param name="Name">The subset name, the third part of the cluster name <c>outbound|PORT|NAME|FQDN</c>.</param>
/// <param name="Labels">The subset's labels.</param>
/// <param name="Strategy">The subset's <c>trafficPolicy.loadBalancer.simple</c>, if set.</param>
internal sealed record DestinationRuleSubset(string Name, TagSet Labels, LoadBalancingStrategy? Strategy);
