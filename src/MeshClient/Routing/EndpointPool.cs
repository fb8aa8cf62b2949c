using MeshClient.LoadBalancing;
using MeshClient.Registry;

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

    /// <summary>
    /// Picks an endpoint the filter does not exclude. An excluded pick is replaced by picking again (so round robin and
    /// random spread its share evenly over the others), then by the first candidate in order that is not excluded.
    /// </summary>
    /// <param name="service">The service port, for the filter.</param>
    /// <param name="sessionKey">The session key of the first pick (SessionStickiness); later picks use none.</param>
    /// <param name="filter">The exclusions.</param>
    /// <param name="candidate">The endpoint picked; when every candidate is excluded, the first pick.</param>
    /// <returns><see langword="false"/> when every candidate is excluded.</returns>
    public bool TryPick<TFilter>(MeshService service, ReadOnlySpan<char> sessionKey, TFilter filter, out EndpointCandidate candidate)
        where TFilter : IEndpointFilter
    {
        var selector = Selector!;
        var first = selector.Select(sessionKey);
        if (!filter.Excludes(service, first.Endpoint))
        {
            candidate = first;
            return true;
        }

        var candidates = selector.Candidates;
        if (FirstNotExcluded(service, candidates, filter) is not { } fallback)
        {
            // Every candidate is excluded (all ejected, or all tried): the strategy's own pick, so calls keep spreading
            // over all of them as the strategy would, rather than piling onto one.
            candidate = first;
            return false;
        }

        for (var i = 1; i < candidates.Length; i++)
        {
            var next = selector.Select(default);
            if (!filter.Excludes(service, next.Endpoint))
            {
                candidate = next;
                return true;
            }
        }

        candidate = fallback;
        return true;
    }

    /// <summary>The first candidate in order that the filter does not exclude, or <see langword="null"/> when it excludes all.</summary>
    private static EndpointCandidate? FirstNotExcluded<TFilter>(MeshService service, EndpointCandidate[] candidates, TFilter filter)
        where TFilter : IEndpointFilter
    {
        foreach (var other in candidates)
        {
            if (!filter.Excludes(service, other.Endpoint))
            {
                return other;
            }
        }

        return null;
    }
}
