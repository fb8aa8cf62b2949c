using System.Collections.Concurrent;
using MeshClient.Registry;

namespace MeshClient.Routing;

/// <summary>
/// One consistent routing state: a registry snapshot, rules and DestinationRules, with the per-service routes built
/// from them on first use. Replaced whole when any of the three changes, so a decision sees exactly one state.
/// </summary>
internal sealed class RouterState
{
    private readonly RouterContext _context;
    private readonly ConcurrentDictionary<ServiceKey, ServiceRoutes> _services = new(ServiceKeyComparer.Instance);
    private ServiceRoutes? _last;

    public RouterState(RouterContext context, RegistrySnapshot snapshot, RouterRules rules, DestinationRuleSet destinationRules)
    {
        _context = context;
        Snapshot = snapshot;
        Rules = rules;
        DestinationRules = destinationRules;
    }

    public RegistrySnapshot Snapshot { get; }

    public RouterRules Rules { get; }

    public DestinationRuleSet DestinationRules { get; }

    public ServiceRoutes GetRoutes(string service, int? port)
    {
        // Callers usually name their target with the same string instance: skip hashing it on every call.
        var last = Volatile.Read(ref _last);
        var portKey = port ?? 0;
        if (last is not null && ReferenceEquals(last.Key.Name, service) && last.Key.Port == portKey)
        {
            return last;
        }

        var key = new ServiceKey(service, portKey);
        if (!_services.TryGetValue(key, out var routes))
        {
            routes = _services.GetOrAdd(key, ServiceRoutesBuilder.Build(_context, Snapshot, Rules, DestinationRules, key));
        }

        Volatile.Write(ref _last, routes);
        return routes;
    }
}
