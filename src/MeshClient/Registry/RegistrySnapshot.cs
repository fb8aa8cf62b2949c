using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace MeshClient.Registry;

/// <summary>
/// One consistent state of the registry: every cluster with its endpoints, and an index of the Istio services
/// they make up. Immutable; the registry swaps a whole new snapshot in on each change, so a reader that holds one
/// sees a single consistent state without locks.
/// </summary>
public sealed class RegistrySnapshot
{
    private readonly FrozenDictionary<string, FrozenDictionary<int, MeshService>> _servicesByHost;
    private readonly FrozenDictionary<string, string> _hostByNameAndNamespace;

    /// <summary>Creates a snapshot from clusters.</summary>
    /// <param name="version">The snapshot's version; each published snapshot has a higher one.</param>
    /// <param name="clusters">The clusters; names must be unique.</param>
    public RegistrySnapshot(long version, IEnumerable<MeshCluster> clusters)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        Version = version;
        Clusters = clusters.ToFrozenDictionary(c => c.Name, StringComparer.Ordinal);

        var byHost = new Dictionary<string, Dictionary<int, (MeshCluster? All, Dictionary<string, MeshCluster> Subsets, IstioClusterName Name)>>(StringComparer.OrdinalIgnoreCase);
        foreach (var cluster in Clusters.Values)
        {
            if (cluster.IstioName is not { Direction: "outbound" } istio)
            {
                continue;
            }

            if (!byHost.TryGetValue(istio.Host, out var ports))
            {
                ports = [];
                byHost[istio.Host] = ports;
            }

            var entry = ports.TryGetValue(istio.Port, out var found) ? found : (null, new Dictionary<string, MeshCluster>(StringComparer.Ordinal), istio);
            if (istio.Subset.Length == 0)
            {
                entry.All = cluster;
            }
            else
            {
                entry.Subsets[istio.Subset] = cluster;
            }

            ports[istio.Port] = entry;
        }

        _servicesByHost = byHost.ToFrozenDictionary(
            h => h.Key,
            h => h.Value.ToFrozenDictionary(
                p => p.Key,
                p => new MeshService(h.Key, p.Value.Name.Service, p.Value.Name.Namespace, p.Key, p.Value.All, p.Value.Subsets.ToFrozenDictionary(StringComparer.Ordinal))),
            StringComparer.OrdinalIgnoreCase);

        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (host, ports) in _servicesByHost)
        {
            var any = ports.Values.First();
            if (any.Namespace is { } ns)
            {
                names.TryAdd(any.Name + "." + ns, host);
            }
        }

        _hostByNameAndNamespace = names.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>An empty snapshot with version 0.</summary>
    public static RegistrySnapshot Empty { get; } = new(0, []);

    /// <summary>The snapshot's version; each published snapshot has a higher one.</summary>
    public long Version { get; }

    /// <summary>Every cluster by name.</summary>
    public IReadOnlyDictionary<string, MeshCluster> Clusters { get; }

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
            return ports.TryGetValue(wanted, out service);
        }

        if (ports.Count == 1)
        {
            service = ports.Values[0];
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
        return host is not null && _servicesByHost.TryGetValue(host, out var ports) ? ports.Values : [];
    }

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

        return _hostByNameAndNamespace.TryGetValue(key, out var host) ? host : null;
    }
}
