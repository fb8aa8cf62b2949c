using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace MeshClient.Testing.Resources;

/// <summary>
/// What FakePilot serves: services (turned into Istio-shaped clusters and load assignments) and raw resources that
/// replace them for a type URL. Thread-safe. A service's packed clusters and load assignments are kept until the
/// service (or its mTLS settings) is replaced, so a push after one change encodes only what changed, not the mesh.
/// </summary>
internal sealed class ResourceStore
{
    private readonly object _gate = new();
    private readonly SortedDictionary<(string Host, int Port), FakeService> _services = new(ServiceKeyComparer.Instance);
    private readonly Dictionary<string, ImmutableArray<Any>> _raw = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Host, int Port), FakePeerTls> _peerTls = [];
    private readonly Dictionary<string, FakeService> _serviceByCluster = new(StringComparer.Ordinal);
    private readonly Dictionary<(string TypeUrl, string Host, int Port), PackedService> _packed = [];
    private readonly ConditionalWeakTable<Any, StrongBox<string?>> _packedVersions = new();

    /// <summary>Adds or replaces a service.</summary>
    public void SetService(FakeService service)
    {
        lock (_gate)
        {
            ForgetClusters(service.Host, service.Port);
            _services[(service.Host, service.Port)] = service;
            foreach (var (clusterName, _, _) in service.Clusters())
            {
                _serviceByCluster[clusterName] = service;
            }
        }
    }

    /// <summary>Removes a service; returns whether it was there.</summary>
    public bool RemoveService(string host, int port)
    {
        lock (_gate)
        {
            ForgetClusters(host, port);
            foreach (var key in _packed.Keys.Where(k => k.Host == host && k.Port == port).ToList())
            {
                _packed.Remove(key);
            }

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
            _serviceByCluster.Clear();
            _packed.Clear();
        }
    }

    /// <summary>
    /// A resource's version for delta xDS: a hash of its type and bytes, so an unchanged resource keeps its version;
    /// computed once, when first asked, for a resource this store packed (a raw resource is hashed at each call: a test
    /// may reuse it).
    /// </summary>
    public string VersionOf(Any resource)
    {
        if (!_packedVersions.TryGetValue(resource, out var version))
        {
            return ResourceVersion.Of(resource);
        }

        // Two streams may compute it at once: both get the same hash.
        return Volatile.Read(ref version.Value) ?? (version.Value = ResourceVersion.Of(resource));
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
                var resources = new List<Any>(_services.Count);
                var clusterNames = ImmutableArray.CreateBuilder<string>(_services.Count);
                foreach (var service in _services.Values)
                {
                    var packed = Packed(typeUrl, service);
                    packed.Clusters ??= PackClusters(typeUrl, service, packed.Tls);
                    resources.AddRange(packed.Clusters.Value.Resources);
                    clusterNames.AddRange(packed.Clusters.Value.Names);
                }

                return new ServedResources(resources, clusterNames.ToImmutable());
            }

            if (XdsTypeUrls.IsEndpoints(typeUrl))
            {
                var resources = new List<Any>(names.Count);
                var served = ImmutableArray.CreateBuilder<string>(names.Count);
                foreach (var name in names.Distinct(StringComparer.Ordinal))
                {
                    if (_serviceByCluster.TryGetValue(name, out var service))
                    {
                        var packed = Packed(typeUrl, service);
                        if (!packed.Assignments.TryGetValue(name, out var assignment))
                        {
                            var endpoints = service.Clusters().First(c => string.Equals(c.ClusterName, name, StringComparison.Ordinal)).Endpoints;
                            assignment = Pack(IstioResourceBuilder.BuildLoadAssignment(name, endpoints), typeUrl);
                            packed.Assignments.Add(name, assignment);
                        }

                        resources.Add(assignment);
                        served.Add(name);
                    }
                }

                return new ServedResources(resources, served.ToImmutable());
            }

            return null;
        }
    }

    /// <summary>The packed resources of <paramref name="service"/> for <paramref name="typeUrl"/>, made anew when the service or its mTLS settings changed.</summary>
    private PackedService Packed(string typeUrl, FakeService service)
    {
        var key = (typeUrl, service.Host, service.Port);
        var tls = _peerTls.GetValueOrDefault((service.Host, service.Port));
        if (!_packed.TryGetValue(key, out var packed) || !ReferenceEquals(packed.Service, service) || !ReferenceEquals(packed.Tls, tls))
        {
            // Load assignments do not depend on the mTLS settings: a new TLS for the same service keeps them.
            packed = new PackedService(service, tls, packed is not null && ReferenceEquals(packed.Service, service) ? packed.Assignments : null);
            _packed[key] = packed;
        }

        return packed;
    }

    private (ImmutableArray<Any> Resources, ImmutableArray<string> Names) PackClusters(string typeUrl, FakeService service, FakePeerTls? tls)
    {
        var v2 = XdsTypeUrls.IsV2(typeUrl);
        var clusters = service.Clusters().Select(c => IstioResourceBuilder.BuildCluster(service, c.ClusterName, c.Subset, v2, tls)).ToList();
        return ([.. clusters.Select(c => Pack(c, typeUrl))], [.. clusters.Select(c => c.Name)]);
    }

    private Any Pack(IMessage message, string typeUrl)
    {
        var any = IstioResourceBuilder.Pack(message, typeUrl);
        _packedVersions.AddOrUpdate(any, new StrongBox<string?>());
        return any;
    }

    /// <summary>Removes the cluster names of the service at <paramref name="host"/>:<paramref name="port"/> from the cluster index.</summary>
    private void ForgetClusters(string host, int port)
    {
        if (_services.TryGetValue((host, port), out var previous))
        {
            foreach (var (clusterName, _, _) in previous.Clusters())
            {
                _serviceByCluster.Remove(clusterName);
            }
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
