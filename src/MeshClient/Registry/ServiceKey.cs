namespace MeshClient.Registry;

/// <summary>A target as requests name it: the service name and the port (0 when not given).</summary>
internal readonly record struct ServiceKey(string Name, int Port);
