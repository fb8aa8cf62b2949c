using System.Collections.Concurrent;
using System.Collections.Frozen;
using MeshClient.LoadBalancing;
using MeshClient.Registry;

namespace MeshClient.Routing;

/// <summary>
/// What a router keeps across states: its options, the call statistics of every endpoint (by address, so calls in
/// flight across a registry swap are counted) and the session tables (by service port).
/// </summary>
internal sealed class RouterContext
{
    private readonly ConcurrentDictionary<EndpointAddress, EndpointStatistics> _statistics = new();
    private readonly ConcurrentDictionary<string, SessionTable> _sessions = new(StringComparer.OrdinalIgnoreCase);

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
    }

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

    public SessionTable GetSessions(MeshService service) =>
        _sessions.GetOrAdd(service.Host + ":" + service.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), static _ => new SessionTable());

    /// <summary>Forgets the statistics of endpoints that left the registry and have no call in flight.</summary>
    public void PruneStatistics(RegistrySnapshot snapshot)
    {
        var present = new HashSet<EndpointAddress>();
        foreach (var cluster in snapshot.Clusters.Values)
        {
            foreach (var endpoint in cluster.Endpoints)
            {
                present.Add(new EndpointAddress(endpoint.Address, endpoint.Port));
            }
        }

        foreach (var (address, statistics) in _statistics)
        {
            if (!present.Contains(address) && statistics.InFlight == 0)
            {
                _statistics.TryRemove(address, out _);
            }
        }
    }
}
