namespace MeshClient.Registry;

/// <summary>Compares <see cref="ServiceKey"/>s with the name case-insensitive, as DNS names are.</summary>
internal sealed class ServiceKeyComparer : IEqualityComparer<ServiceKey>
{
    public static ServiceKeyComparer Instance { get; } = new();

    public bool Equals(ServiceKey x, ServiceKey y) => x.Port == y.Port && string.Equals(x.Name, y.Name, StringComparison.OrdinalIgnoreCase);

    public int GetHashCode(ServiceKey obj) => HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Name), obj.Port);
}
