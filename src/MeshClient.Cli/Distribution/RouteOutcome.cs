using MeshClient.Registry;
using MeshClient.Routing;

namespace MeshClient.Cli.Distribution;

/// <summary>What <see cref="RouteDistribution"/> counts of one routing decision.</summary>
/// <param name="RuleIndex">The matched rule's index as written, or -1 when no rule matched.</param>
/// <param name="RulePrecedence">The matched rule's precedence; 0 when none matched.</param>
/// <param name="Tags">The tag set the endpoint was chosen from (empty when no rule matched).</param>
/// <param name="IsRemainder">Whether the tag set is the rule's remainder (weights under 100 go to the latest version).</param>
/// <param name="Subset">The DestinationRule subset the tag set stands for, if any.</param>
/// <param name="Endpoint">The endpoint, or <see langword="null"/> when <paramref name="Failure"/> says why there is none.</param>
/// <param name="Failure">Why there is no endpoint.</param>
internal sealed record RouteOutcome(
    int RuleIndex,
    int RulePrecedence,
    IReadOnlyDictionary<string, string> Tags,
    bool IsRemainder,
    string? Subset,
    MeshEndpoint? Endpoint,
    RouteFailure Failure)
{
    public static RouteOutcome From(in RouteDecision decision) =>
        new(decision.RuleIndex, decision.RulePrecedence, decision.Tags, decision.IsRemainder, decision.Subset, decision.Endpoint, decision.Failure);
}
