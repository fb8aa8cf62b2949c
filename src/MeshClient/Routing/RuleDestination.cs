namespace MeshClient.Routing;

/// <summary>One weighted destination of a matched rule: its tag set's endpoints and its share.</summary>
/// <param name="Pool">The endpoints of the tag set.</param>
/// <param name="Weight">The share, 1 to 100 (weight-0 routes are left out); 0 for the destination of calls no rule matches.</param>
/// <param name="IsRemainder">Whether this is the remainder that goes to the latest version.</param>
internal sealed record RuleDestination(EndpointPool Pool, int Weight, bool IsRemainder);
