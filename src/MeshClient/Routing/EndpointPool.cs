using MeshClient.LoadBalancing;

namespace MeshClient.Routing;

/// <summary>
/// The endpoints of one service that carry one tag set: routable ones at the lowest priority level that has any,
/// with the strategy that picks among them. Built once per registry snapshot and rules.
/// </summary>
internal sealed class EndpointPool
{
    public EndpointPool(TagSet tags, string? subset, LoadBalancingStrategy strategy, EndpointSelector? selector, RouteFailure failureWhenEmpty)
    {
        Tags = tags;
        Subset = subset;
        Strategy = strategy;
        Selector = selector;
        FailureWhenEmpty = failureWhenEmpty;
    }

    public TagSet Tags { get; }

    public string? Subset { get; }

    public LoadBalancingStrategy Strategy { get; }

    /// <summary>The selector, or <see langword="null"/> when no routable endpoint carries the tags.</summary>
    public EndpointSelector? Selector { get; }

    public RouteFailure FailureWhenEmpty { get; }
}
