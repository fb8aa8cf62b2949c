using MeshClient.LoadBalancing;

namespace MeshClient.Resilience;

/// <summary>Compares endpoint addresses as the registry does: host names without regard to case, ports exactly.</summary>
internal sealed class EndpointAddressComparer : IEqualityComparer<EndpointAddress>
{
    public static EndpointAddressComparer Instance { get; } = new();

    public bool Equals(EndpointAddress x, EndpointAddress y) =>
        x.Port == y.Port && string.Equals(x.Address, y.Address, StringComparison.OrdinalIgnoreCase);

    public int GetHashCode(EndpointAddress obj) => HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Address), obj.Port);
}
