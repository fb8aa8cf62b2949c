namespace MeshClient.Cli.Distribution;

/// <summary>How many calls chose one tag set.</summary>
/// <param name="Tags">The tags, sorted by name.</param>
/// <param name="Subset">The DestinationRule subset the tags stand for, if any.</param>
/// <param name="IsRemainder">Whether the tag set was the remainder of the rule's weights.</param>
/// <param name="Count">The calls that chose the tag set, with or without an endpoint.</param>
/// <param name="Failed">Of those, the calls that found no routable endpoint with the tags.</param>
internal sealed record SubsetCount(IReadOnlyList<KeyValuePair<string, string>> Tags, string? Subset, bool IsRemainder, int Count, int Failed);
