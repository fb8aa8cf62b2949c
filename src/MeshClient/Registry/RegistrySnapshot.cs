using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace MeshClient.Registry;

/// <summary>
/// One consistent state of the registry: every cluster with its endpoints, and an index of the Istio services
/// they make up. Immutable; the registry swaps a new snapshot in on each change, so a reader that holds one sees a
/// single consistent state without locks. Snapshots are persistent maps: a change of k clusters makes a snapshot
/// that shares every other cluster and service port (the same objects) with the one before.
/// </summary>
public sealed class RegistrySnapshot
{
    private static readonly ImmutableDictionary<string, MeshCluster> NoClusters = ImmutableDictionary.Create<string, MeshCluster>(StringComparer.Ordinal);
    private static readonly ImmutableDictionary<string, ImmutableArray<MeshService>> NoServices = ImmutableDictionary.Create<string, ImmutableArray<MeshService>>(StringComparer.OrdinalIgnoreCase);
    private static readonly ImmutableDictionary<string, int> NoSuffixes = ImmutableDictionary.Create<string, int>(StringComparer.Ordinal);

    private readonly ImmutableDictionary<string, MeshCluster> _clusters;
    private readonly ImmutableDictionary<string, ImmutableArray<MeshService>> _servicesByHost;
    private readonly ImmutableDictionary<string, int> _hostsBySuffix;

    /// <summary>Creates a snapshot from clusters.</summary>
    /// <param name="version">The snapshot's version; each published snapshot has a higher one.</param>
    /// <param name="clusters">The clusters; names must be unique.</param>
    public RegistrySnapshot(long version, IEnumerable<MeshCluster> clusters)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        Version = version;
        var builder = new RegistrySnapshotBuilder(NoClusters, NoServices, NoSuffixes);
        foreach (var cluster in clusters)
        {
            builder.Add(cluster);
        }

        (_clusters, _servicesByHost, _hostsBySuffix) = builder.ToImmutable();
    }

    private RegistrySnapshot(
        long version,
        (ImmutableDictionary<string, MeshCluster> Clusters, ImmutableDictionary<string, ImmutableArray<MeshService>> ServicesByHost, ImmutableDictionary<string, int> HostsBySuffix) maps)
    {
        Version = version;
        (_clusters, _servicesByHost, _hostsBySuffix) = maps;
    }

    /// <summary>An empty snapshot with version 0.</summary>
    public static RegistrySnapshot Empty { get; } = new(0, []);

    /// <summary>The snapshot's version; each published snapshot has a higher one.</summary>
    public long Version { get; }

    /// <summary>Every cluster by name.</summary>
    public IReadOnlyDictionary<string, MeshCluster> Clusters => _clusters;

    /// <summary>The hosts of every outbound Istio service in the snapshot.</summary>
    public IEnumerable<string> ServiceHosts => _servicesByHost.Keys;

    /// <summary>
    /// Finds a service port by the name a caller uses: <c>reviews</c> (in <paramref name="defaultNamespace"/>),
    /// <c>reviews.default</c>, <c>reviews.default.svc</c>, the FQDN, or any host exactly as Pilot names it, each
    /// with or without <c>:port</c>. Without a port, the service must have exactly one.
    /// </summary>
    /// <param name="name">The name, optionally with <c>:port</c>.</param>
    /// <param name="defaultNamespace">The namespace of a bare name.</param>
    /// <param name="service">The service port found.</param>
    /// <returns><see langword="true"/> when exactly one service port matches.</returns>
    public bool TryFindService(string name, string defaultNamespace, [NotNullWhen(true)] out MeshService? service)
    {
        ArgumentNullException.ThrowIfNull(name);
        int? port = null;
        var colon = name.LastIndexOf(':');
        if (colon >= 0)
        {
            if (!int.TryParse(name.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var p))
            {
                service = null;
                return false;
            }

            port = p;
            name = name[..colon];
        }

        return TryFindService(name, port, defaultNamespace, out service);
    }

    /// <summary>Finds a service port by name and port; see <see cref="TryFindService(string, string, out MeshService?)"/>.</summary>
    /// <param name="name">The name, without a port.</param>
    /// <param name="port">The port, or <see langword="null"/> when the service has exactly one.</param>
    /// <param name="defaultNamespace">The namespace of a bare name.</param>
    /// <param name="service">The service port found.</param>
    /// <returns><see langword="true"/> when exactly one service port matches.</returns>
    public bool TryFindService(string name, int? port, string defaultNamespace, [NotNullWhen(true)] out MeshService? service)
    {
        ArgumentNullException.ThrowIfNull(name);
        service = null;
        var host = ResolveHost(name, defaultNamespace);
        if (host is null || !_servicesByHost.TryGetValue(host, out var ports))
        {
            return false;
        }

        if (port is { } wanted)
        {
            foreach (var candidate in ports)
            {
                if (candidate.Port == wanted)
                {
                    service = candidate;
                    return true;
                }
            }

            return false;
        }

        if (ports.Length == 1)
        {
            service = ports[0];
            return true;
        }

        return false;
    }

    /// <summary>The service ports known for a host.</summary>
    /// <param name="name">A name as accepted by <see cref="TryFindService(string, int?, string, out MeshService?)"/>.</param>
    /// <param name="defaultNamespace">The namespace of a bare name.</param>
    /// <returns>The service ports; empty when the name is unknown.</returns>
    public IReadOnlyCollection<MeshService> GetServicePorts(string name, string defaultNamespace)
    {
        var host = ResolveHost(name, defaultNamespace);
        return host is not null && _servicesByHost.TryGetValue(host, out var ports) ? ports : [];
    }

    /// <summary>
    /// The snapshot with <paramref name="upserts"/> set and <paramref name="removals"/> removed, sharing every other
    /// cluster and service with this one: O(k log n) for k changed clusters, never a rebuild of the whole.
    /// </summary>
    /// <param name="version">The new snapshot's version.</param>
    /// <param name="upserts">Clusters that are new or replace the cluster of their name.</param>
    /// <param name="removals">Names of clusters to remove; absent names are ignored.</param>
    /// <returns>The new snapshot.</returns>
    internal RegistrySnapshot With(long version, IEnumerable<MeshCluster> upserts, IEnumerable<string> removals)
    {
        var builder = new RegistrySnapshotBuilder(_clusters, _servicesByHost, _hostsBySuffix);
        foreach (var name in removals)
        {
            builder.Remove(name);
        }

        foreach (var cluster in upserts)
        {
            builder.Set(cluster);
        }

        return new RegistrySnapshot(version, builder.ToImmutable());
    }

    /// <summary>The service ports of every host (tests and diagnostics).</summary>
    internal IEnumerable<MeshService> Services => _servicesByHost.Values.SelectMany(p => p);

    private string? ResolveHost(string name, string defaultNamespace)
    {
        if (_servicesByHost.ContainsKey(name))
        {
            return name;
        }

        var labels = name.Split('.');
        string key;
        if (labels.Length == 1)
        {
            key = name + "." + defaultNamespace;
        }
        else if (labels.Length == 2 || (labels.Length == 3 && labels[2].Equals("svc", StringComparison.OrdinalIgnoreCase)))
        {
            key = labels[0] + "." + labels[1];
        }
        else
        {
            return null;
        }

        // Kubernetes hosts name.namespace.svc followed by one of the few domain suffixes the snapshot holds: when
        // several exist (reviews.default.svc and reviews.default.svc.cluster.local), the ordinally first answers.
        string? found = null;
        foreach (var suffix in _hostsBySuffix.Keys)
        {
            if (_servicesByHost.TryGetValue(key + ".svc" + suffix, out var ports)
                && ports[0] is { Namespace: not null } service
                && (found is null || string.CompareOrdinal(service.Host, found) < 0))
            {
                found = service.Host;
            }
        }

        return found;
    }
}
