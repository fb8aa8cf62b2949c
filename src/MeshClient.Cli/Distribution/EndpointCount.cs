namespace MeshClient.Cli.Distribution;

/// <summary>How many calls went to one endpoint.</summary>
/// <param name="Address">The endpoint's address.</param>
/// <param name="Port">The endpoint's port.</param>
/// <param name="Priority">The endpoint's priority level (0 is the highest).</param>
/// <param name="Count">The number of calls.</param>
internal sealed record EndpointCount(string Address, int Port, uint Priority, int Count);
