namespace MeshClient.LoadBalancing;

/// <summary>The identity of an endpoint across registry snapshots: address and port.</summary>
internal readonly record struct EndpointAddress(string Address, int Port);
