using MeshClient.Routing;

namespace MeshClient.Cli.Distribution;

/// <summary>How many calls found no endpoint for one reason.</summary>
/// <param name="Reason">Why.</param>
/// <param name="Count">The number of calls.</param>
internal sealed record FailureCount(RouteFailure Reason, int Count);
