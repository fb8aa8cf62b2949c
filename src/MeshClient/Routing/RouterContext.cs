using System.Collections.Concurrent;
using System.Collections.Frozen;
using MeshClient.LoadBalancing;
using MeshClient.Registry;

namespace MeshClient.Routing;

/// <summary>
/// What a router keeps across states: its options, the call statistics of every endpoint (by address, so calls in
/// flight across a registry swap are counted), the session tables (by service port), the balancer positions, and the
/// routes of each service port (reused by a later snapshot while the service's content stays the same). Whatever
/// belongs to services and endpoints that left the registry is pruned off the request path (<see cref="RequestPrune"/>).
/// </summary>
internal sealed class RouterContext
{
    private readonly ConcurrentDictionary<EndpointAddress, EndpointStatistics> _statistics = new();
    private readonly ConcurrentDictionary<ServiceKey, ServiceRoutes> _routes = new(ServiceKeyComparer.Instance);
    private RegistrySnapshot? _pendingPrune;
    private Dictionary<ServiceKey, MeshService>? _seenAtPrune;
    private int _pruning;
    private Task _pruned = Task.CompletedTask;

    public RouterContext(MeshRouterOptions options, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(options.DefaultNamespace);
        DefaultNamespace = options.DefaultNamespace;
        DefaultStrategy = options.DefaultStrategy;
        Strategies = options.Strategies.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        WeightSelection = options.WeightSelection;
        SessionHeaderName = options.SessionHeaderName;
        SessionCookieName = options.SessionCookieName;
        Settings = new LoadBalancingSettings(
            options.RandomSource ?? SharedRandomSource.Instance,
            time,
            options.SessionTimeout,
            options.SessionSuccessiveFailures,
            options.ResponseTimeWindow);
        Balancers = new BalancerStateStore(Settings.Random, options.RoundRobinStart);
    }

    /// <summary>The rotation positions of every service port.</summary>
    public BalancerStateStore Balancers { get; }

    /// <summary>The number of service routes kept across snapshots.</summary>
    public int RoutesCount => _routes.Count;

    public int SessionTableCount => Balancers.SessionTableCount;

    /// <summary>Completes when the prune requested last has run.</summary>
    public Task Pruned => Volatile.Read(ref _pruned);

    public string DefaultNamespace { get; }

    public LoadBalancingStrategy DefaultStrategy { get; }

    public FrozenDictionary<string, LoadBalancingStrategy> Strategies { get; }

    public RouteWeightSelection WeightSelection { get; }

    public string? SessionHeaderName { get; }

    public string? SessionCookieName { get; }

    public LoadBalancingSettings Settings { get; }

    public int StatisticsCount => _statistics.Count;

    public EndpointStatistics GetStatistics(MeshEndpoint endpoint) =>
        _statistics.GetOrAdd(new EndpointAddress(endpoint.Address, endpoint.Port), static (address, window) => new EndpointStatistics(address, window), Settings.ResponseTimeWindowTicks);


    /// <summary>
    /// The routes of a service port in <paramref name="snapshot"/>: the ones built for an earlier snapshot when the
    /// service's content and the rules are the same (so a push elsewhere in the mesh costs this service nothing),
    /// otherwise new ones. Work proportional to this one service only.
    /// </summary>
    public ServiceRoutes ResolveRoutes(RegistrySnapshot snapshot, RouterRules rules, DestinationRuleSet destinationRules, ServiceKey key)
    {
        int? port = key.Port == 0 ? null : key.Port;
        if (!snapshot.TryFindService(key.Name, port, DefaultNamespace, out var service))
        {
            return ServiceRoutesBuilder.NotFound(this, snapshot, key);
        }

        if (_routes.TryGetValue(key, out var known) && known.IsCurrentFor(service, rules, destinationRules))
        {
            return known;
        }

        var built = ServiceRoutesBuilder.Build(this, service, rules, destinationRules, key);
        _routes[key] = built;
        return built;
    }

    /// <summary>
    /// Prunes, on the thread pool, what belongs to services and endpoints not in <paramref name="snapshot"/>; requests
    /// coalesce, the latest snapshot wins. Never runs on the calling (request) thread.
    /// </summary>
    public void RequestPrune(RegistrySnapshot snapshot)
    {
        Volatile.Write(ref _pendingPrune, snapshot);
        if (Interlocked.CompareExchange(ref _pruning, 1, 0) != 0)
        {
            return;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _pruned, done.Task);
        ThreadPool.UnsafeQueueUserWorkItem(static state => state.Context.RunPrunes(state.Done), (Context: this, Done: done), preferLocal: false);
    }

    private void RunPrunes(TaskCompletionSource done)
    {
        try
        {
            while (true)
            {
                while (Interlocked.Exchange(ref _pendingPrune, null) is { } snapshot)
                {
                    Prune(snapshot);
                }

                Volatile.Write(ref _pruning, 0);
                if (Volatile.Read(ref _pendingPrune) is null || Interlocked.CompareExchange(ref _pruning, 1, 0) != 0)
                {
                    break;
                }
            }
        }
        finally
        {
            done.TrySetResult();
        }
    }

    /// <summary>
    /// Forgets what belongs to services and endpoints not in <paramref name="snapshot"/>. The work follows the services
    /// this router has routed to (their routes, balancer positions and endpoint statistics), never the size of the
    /// mesh: a push elsewhere in a mesh of 10,000 services costs a lookup per routed service.
    /// </summary>
    public void Prune(RegistrySnapshot snapshot)
    {
        bool IsPresent(string host, int port) => snapshot.TryFindService(host, port, DefaultNamespace, out var found) && found.Port == port;
        Balancers.Retain(IsPresent);
        var seen = new Dictionary<ServiceKey, MeshService>(ServiceKeyComparer.Instance);
        var unchanged = true;
        foreach (var (key, routes) in _routes)
        {
            if (routes.Service is not { } service
                || !snapshot.TryFindService(service.Host, service.Port, DefaultNamespace, out var current)
                || current.Port != service.Port)
            {
                _routes.TryRemove(key, out _);
                unchanged = false;
                continue;
            }

            seen[key] = current;
            unchanged &= _seenAtPrune is not null && _seenAtPrune.TryGetValue(key, out var before) && ReferenceEquals(before, current);
        }

        // Statistics exist only for endpoints of routed services: when every routed service is the same object as at
        // the last prune, none of their endpoints left since, and there is nothing to forget.
        if (!unchanged || _seenAtPrune is null || _seenAtPrune.Count != seen.Count)
        {
            var present = new HashSet<EndpointAddress>();
            foreach (var service in seen.Values)
            {
                AddEndpoints(present, service);
            }

            PruneStatistics(present);
        }

        _seenAtPrune = seen;
    }

    private static void AddEndpoints(HashSet<EndpointAddress> present, MeshService service)
    {
        if (service.AllEndpoints is { } all)
        {
            foreach (var endpoint in all.Endpoints)
            {
                present.Add(new EndpointAddress(endpoint.Address, endpoint.Port));
            }
        }

        foreach (var subset in service.Subsets.Values)
        {
            foreach (var endpoint in subset.Endpoints)
            {
                present.Add(new EndpointAddress(endpoint.Address, endpoint.Port));
            }
        }
    }

    /// <summary>Forgets the statistics of endpoints no routed service holds any more and that have no call in flight.</summary>
    private void PruneStatistics(HashSet<EndpointAddress> present)
    {
        foreach (var (address, statistics) in _statistics)
        {
            if (!present.Contains(address) && statistics.InFlight == 0)
            {
                _statistics.TryRemove(address, out _);
            }
        }
    }
}
