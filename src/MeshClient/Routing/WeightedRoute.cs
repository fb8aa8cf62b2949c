namespace MeshClient.Routing;

/// <summary>One <c>route</c> entry of a rule: a tag set and its share of the rule's calls, 0 to 100.</summary>
internal sealed record WeightedRoute(TagSet Tags, int Weight);
