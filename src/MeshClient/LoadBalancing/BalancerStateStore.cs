using System.Collections.Concurrent;
using MeshClient.Registry;

namespace MeshClient.LoadBalancing;

/// <summary>
/// The long-lived balancer state of every service port (host and port), as YARP keeps runtime state on long-lived
/// cluster objects while their configuration is swapped: routes are rebuilt per snapshot, their positions live here.
/// </summary>
internal sealed class BalancerStateStore
{
    private readonly ConcurrentDictionary<ServiceKey, ServiceBalancerState> _services = new(ServiceKeyComparer.Instance);
    private readonly IRandomSource _random;
    private readonly int? _start;

    /// <param name="random">The source of each rotation's random start.</param>
    /// <param name="start">A fixed start for every rotation instead (tests), or <see langword="null"/>.</param>
    public BalancerStateStore(IRandomSource random, int? start)
    {
        _random = random;
        _start = start;
    }

    public int Count => _services.Count;

    /// <summary>The number of service ports whose session table has been created.</summary>
    public int SessionTableCount => _services.Values.Count(state => state.HasSessions);

    public ServiceBalancerState Get(string host, int port) =>
        _services.GetOrAdd(new ServiceKey(host, port), static (_, owner) => new ServiceBalancerState(owner._random, owner._start), this);

    /// <summary>Forgets the services for which <paramref name="isPresent"/> is false (they left the registry).</summary>
    public void Retain(Func<string, int, bool> isPresent)
    {
        foreach (var key in _services.Keys)
        {
            if (!isPresent(key.Name, key.Port))
            {
                _services.TryRemove(key, out _);
            }
        }
    }

}
