using System.Collections.Concurrent;

namespace MeshClient.LoadBalancing;

/// <summary>
/// The long-lived balancer state of every service port (host and port), as YARP keeps runtime state on long-lived
/// cluster objects while their configuration is swapped: routes are rebuilt per snapshot, their positions live here.
/// </summary>
internal sealed class BalancerStateStore
{
    private readonly ConcurrentDictionary<(string Host, int Port), ServiceBalancerState> _services = new(HostPortComparer.Instance);
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

    public ServiceBalancerState Get(string host, int port) =>
        _services.GetOrAdd((host, port), static (_, owner) => new ServiceBalancerState(owner._random, owner._start), this);

    /// <summary>Forgets the services for which <paramref name="isPresent"/> is false (they left the registry).</summary>
    public void Retain(Func<string, int, bool> isPresent)
    {
        foreach (var (host, port) in _services.Keys)
        {
            if (!isPresent(host, port))
            {
                _services.TryRemove((host, port), out _);
            }
        }
    }

    private sealed class HostPortComparer : IEqualityComparer<(string Host, int Port)>
    {
        public static HostPortComparer Instance { get; } = new();

        public bool Equals((string Host, int Port) x, (string Host, int Port) y) =>
            x.Port == y.Port && string.Equals(x.Host, y.Host, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode((string Host, int Port) obj) => HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Host), obj.Port);
    }
}
