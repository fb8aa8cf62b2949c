using MeshClient.Registry;

namespace MeshClient.Cli.Commands;

/// <summary>Explains a service name the registry does not know, listing what it does know.</summary>
internal static class RegistryServices
{
    private const int Listed = 10;

    /// <summary>
    /// <c>no service 'reviews' in namespace 'default' in Pilot at grpc://...; it has 3 services: a, b, c</c>, or the
    /// ports to choose from when the name is known but the port is not.
    /// </summary>
    public static string Describe(RegistrySnapshot snapshot, ServiceArgument service, string defaultNamespace, string origin)
    {
        var ports = snapshot.GetServicePorts(service.Name, defaultNamespace);
        if (ports.Count > 0)
        {
            var known = string.Join(", ", ports.Select(p => p.Port).Order());
            return service.Port is null
                ? $"service '{service}' has several ports ({known}) in {origin}; name one as {service.Name}:PORT"
                : $"service '{service.Name}' has no port {service.Port} in {origin}; its ports: {known}";
        }

        var hosts = snapshot.ServiceHosts.Order(StringComparer.Ordinal).ToList();
        var list = hosts.Count == 0
            ? "it has no services"
            : $"it has {hosts.Count} {(hosts.Count == 1 ? "service" : "services")}: {string.Join(", ", hosts.Take(Listed))}{(hosts.Count > Listed ? ", ..." : string.Empty)}";
        var where = service.Name.Contains('.', StringComparison.Ordinal) ? string.Empty : $" in namespace '{defaultNamespace}'";
        return $"no service '{service}'{where} in {origin}; {list}";
    }
}
