namespace MeshClient.Cli.Distribution;

/// <summary>How many calls matched one rule (or none).</summary>
/// <param name="Index">The rule's index as written in <c>routeRule.&lt;service&gt;</c>; -1 for calls no rule matched.</param>
/// <param name="Precedence">The rule's precedence; 0 when no rule matched.</param>
/// <param name="Count">The number of calls.</param>
internal sealed record RuleCount(int Index, int Precedence, int Count)
{
    public bool Matched => Index >= 0;

    /// <summary>The rule counted from 1, as router.yaml errors and <see cref="MeshClient.Routing.RouteDecision.RuleNumber"/> count it; 0 for none.</summary>
    public int Number => Index + 1;
}
