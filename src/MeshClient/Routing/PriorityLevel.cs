using MeshClient.LoadBalancing;

namespace MeshClient.Routing;

/// <summary>
/// The endpoints of one priority level of a pool: the routable ones with their selector (none when no endpoint of
/// the level is routable) and how many endpoints the level has in all, for its health.
/// </summary>
/// <param name="Priority">The priority; 0 is the highest.</param>
/// <param name="Selector">Picks among the routable endpoints; <see langword="null"/> when none is routable.</param>
/// <param name="Total">Every endpoint of the level that carries the tags, routable or not.</param>
internal sealed record PriorityLevel(uint Priority, EndpointSelector? Selector, int Total)
{
    /// <summary>The routable endpoints.</summary>
    public int Routable => Selector?.Candidates.Length ?? 0;
}
