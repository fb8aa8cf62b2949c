namespace MeshClient.LoadBalancing;

/// <summary>
/// How one endpoint is picked among those that carry the chosen tags; names as in go-chassis. Chosen per service by
/// <c>MeshRouterOptions.Strategies</c> or by a DestinationRule's <c>trafficPolicy.loadBalancer.simple</c>.
/// </summary>
public enum LoadBalancingStrategy
{
    /// <summary>Smooth weighted round robin over endpoint weights and locality weights (the default; ROUND_ROBIN).</summary>
    RoundRobin = 0,

    /// <summary>Random, weighted by endpoint weights and locality weights (RANDOM).</summary>
    Random = 1,

    /// <summary>Prefers endpoints with lower recent response times, while still sending some calls to every endpoint.</summary>
    WeightedResponse = 2,

    /// <summary>A session key from a header or cookie keeps its endpoint while that endpoint stays healthy.</summary>
    SessionStickiness = 3,

    /// <summary>Power of two choices on in-flight calls (LEAST_REQUEST).</summary>
    LeastRequest = 4,
}
