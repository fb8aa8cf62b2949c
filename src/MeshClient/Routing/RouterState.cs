using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using MeshClient.Registry;

namespace MeshClient.Routing;

/// <summary>
/// One consistent routing state: a registry snapshot, rules and DestinationRules, with the per-service routes looked
/// up on first use (kept from an earlier state when the service did not change). Replaced whole when any of the three
/// changes, so a decision sees exactly one state. Names that are not services are remembered up to a bound only, so
/// calls to many different unknown hosts do not grow it.
/// </summary>
internal sealed class RouterState
{
    /// <summary>How many unknown names a state remembers; beyond, each is looked up again (no allocation kept).</summary>
    internal const int MaxRememberedFailures = 1024;

    private readonly RouterContext _context;
    private int _failures;
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

    /// <summary>The number of names looked up in this state.</summary>
    public int Count => _services.Count;

    /// <summary>The routes of a service port: the last ones looked up when the caller names them with the same string instance, otherwise looked up.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ServiceRoutes GetRoutes(string service, int? port)
    {
        // Callers usually name their target with the same string instance: skip hashing it on every call.
        var last = Volatile.Read(ref _last);
        var portKey = port.GetValueOrDefault();
        return last is not null && ReferenceEquals(last.Key.Name, service) && last.Key.Port == portKey
            ? last
            : LookUp(service, portKey);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ServiceRoutes LookUp(string service, int portKey)
    {
        var key = new ServiceKey(service, portKey);
        if (!_services.TryGetValue(key, out var routes))
        {
            routes = _context.ResolveRoutes(Snapshot, Rules, DestinationRules, key);
            if (routes.Service is not null || Interlocked.Increment(ref _failures) <= MaxRememberedFailures)
            {
                routes = _services.GetOrAdd(key, routes);
            }
        }

        Volatile.Write(ref _last, routes);
        return routes;
    }
}
