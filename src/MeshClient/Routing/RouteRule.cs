using System.Collections.Immutable;

namespace MeshClient.Routing;

/// <summary>One rule of <c>routeRule.&lt;service&gt;</c>.</summary>
/// <param name="Index">The 0-based position of the rule in the service's list, as written.</param>
/// <param name="Precedence">Higher goes first; ties keep the written order.</param>
/// <param name="Match">The conditions, or <see langword="null"/> when the rule has no match block and matches every call.</param>
/// <param name="Routes">The weighted tag sets.</param>
/// <param name="Line">The line of the rule in its file.</param>
internal sealed record RouteRule(int Index, int Precedence, RouteMatch? Match, ImmutableArray<WeightedRoute> Routes, int Line)
{
    /// <summary>The sum of the route weights (at most 100).</summary>
    public int TotalWeight => Routes.Sum(r => r.Weight);

    /// <summary>The share left for the service's latest version.</summary>
    public int RemainderWeight => 100 - TotalWeight;
}
