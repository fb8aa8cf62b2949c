using System.Collections.Immutable;
using Google.Protobuf.WellKnownTypes;

namespace MeshClient.Testing.Resources;

/// <summary>
/// What FakePilot serves: services (turned into Istio-shaped clusters and load assignments) and raw resources that
/// replace them for a type URL. Thread-safe.
/// </summary>
internal sealed class ResourceStore
{
    private readonly object _gate = new();
    private readonly SortedDictionary<(string Host, int Port), FakeService> _services = new(ServiceKeyComparer.Instance);
    private readonly Dictionary<string, ImmutableArray<Any>> _raw = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Host, int Port), FakePeerTls> _peerTls = [];

    /// <summary>Adds or replaces a service.</summary>
    public void SetService(FakeService service)
    {
        lock (_gate)
        {
            _services[(service.Host, service.Port)] = service;
        }
    }

    /// <summary>Removes a service; returns whether it was there.</summary>
    public bool RemoveService(string host, int port)
    {
        lock (_gate)
        {
            return _services.Remove((host, port));
        }
    }

    /// <summary>Sets (or with <see langword="null"/> removes) the mTLS settings of a service's clusters; kept across <see cref="SetService"/>.</summary>
    public void SetPeerTls(string host, int port, FakePeerTls? tls)
    {
        lock (_gate)
        {
            if (tls is null)
            {
                _peerTls.Remove((host, port));
            }
            else
            {
                _peerTls[(host, port)] = tls;
            }
        }
    }

    /// <summary>Sets the raw resources served, whole and verbatim, for <paramref name="typeUrl"/>.</summary>
    public void SetRaw(string typeUrl, ImmutableArray<Any> resources)
    {
        lock (_gate)
        {
            _raw[typeUrl] = resources;
        }
    }

    /// <summary>Removes the raw resources of <paramref name="typeUrl"/>; returns whether there were any.</summary>
    public bool RemoveRaw(string typeUrl)
    {
        lock (_gate)
        {
            return _raw.Remove(typeUrl);
        }
    }

    /// <summary>Removes every service and every raw resource.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _services.Clear();
            _raw.Clear();
            _peerTls.Clear();
        }
    }

    /// <summary>Whether requests for <paramref name="typeUrl"/> get an answer: CDS, EDS, or a type with raw resources.</summary>
    public bool Serves(string typeUrl)
    {
        if (XdsTypeUrls.IsCluster(typeUrl) || XdsTypeUrls.IsEndpoints(typeUrl))
        {
            return true;
        }

        lock (_gate)
        {
            return _raw.ContainsKey(typeUrl);
        }
    }

    /// <summary>
    /// Builds the resources of a response for <paramref name="typeUrl"/>: the raw resources when set (whole); otherwise
    /// every cluster for CDS, or the load assignments of the <paramref name="names"/> that are clusters of a service for EDS.
    /// </summary>
    /// <returns>The resources, or <see langword="null"/> when the type is not served.</returns>
    public ServedResources? Build(string typeUrl, IReadOnlyCollection<string> names)
    {
        lock (_gate)
        {
            if (_raw.TryGetValue(typeUrl, out var raw))
            {
                return new ServedResources(raw, [.. raw.Select(IstioResourceBuilder.ReadName)]);
            }

            if (XdsTypeUrls.IsCluster(typeUrl))
            {
                var v2 = XdsTypeUrls.IsV2(typeUrl);
                var clusters = _services.Values
                    .SelectMany(s => s.Clusters().Select(c => IstioResourceBuilder.BuildCluster(s, c.ClusterName, c.Subset, v2, _peerTls.GetValueOrDefault((s.Host, s.Port)))))
                    .ToList();
                return new ServedResources(
                    [.. clusters.Select(c => IstioResourceBuilder.Pack(c, typeUrl))],
                    [.. clusters.Select(c => c.Name)]);
            }

            if (XdsTypeUrls.IsEndpoints(typeUrl))
            {
                var byName = _services.Values
                    .SelectMany(s => s.Clusters())
                    .ToDictionary(c => c.ClusterName, c => c.Endpoints, StringComparer.Ordinal);
                var assignments = names
                    .Distinct(StringComparer.Ordinal)
                    .Where(byName.ContainsKey)
                    .Select(n => IstioResourceBuilder.BuildLoadAssignment(n, byName[n]))
                    .ToList();
                return new ServedResources(
                    [.. assignments.Select(a => IstioResourceBuilder.Pack(a, typeUrl))],
                    [.. assignments.Select(a => a.ClusterName)]);
            }

            return null;
        }
    }

    private sealed class ServiceKeyComparer : IComparer<(string Host, int Port)>
    {
        public static readonly ServiceKeyComparer Instance = new();

        public int Compare((string Host, int Port) x, (string Host, int Port) y)
        {
            var byHost = string.CompareOrdinal(x.Host, y.Host);
            return byHost != 0 ? byHost : x.Port.CompareTo(y.Port);
        }
    }
}
