using System.Collections.Immutable;
using Google.Protobuf.WellKnownTypes;
using MeshClient.Registry;
using MeshClient.Testing.Resources;

namespace MeshClient.Testing;

/// <summary>The state FakePilot serves: services (with their subsets and peer TLS) and raw resources; each change pushes to every stream.</summary>
public sealed partial class FakePilot
{
    /// <summary>
    /// Adds or replaces a service and pushes to every stream. It is served as the EDS cluster
    /// <c>outbound|PORT||HOST</c> with all endpoints, plus <c>outbound|PORT|SUBSET|HOST</c> for each subset with the
    /// endpoints whose labels contain the subset's labels.
    /// </summary>
    /// <param name="host">
    /// The service host: a FQDN such as <c>reviews.default.svc.cluster.local</c>, or <c>reviews.prod</c> (name and
    /// namespace, completed with <c>.svc.cluster.local</c>), or <c>reviews</c> (completed with <c>.default.svc.cluster.local</c>).
    /// </param>
    /// <param name="port">The service port, 1 to 65535.</param>
    /// <param name="endpoints">The endpoints (pods).</param>
    /// <param name="subsets">The subsets, as a DestinationRule declares them; names must be unique.</param>
    /// <param name="loadBalancerPolicy">The clusters' <c>lb_policy</c> (<see cref="ClusterLoadBalancerPolicy.Other"/> sends RING_HASH).</param>
    /// <param name="localityWeighted">
    /// Whether the clusters ask for locality-weighted balancing: sends <c>common_lb_config.locality_weighted_lb_config</c>,
    /// as istiod does when a DestinationRule sets locality load-balancer weights; only then do clients weigh endpoints
    /// by their locality's weight (<see cref="FakeEndpoint.LocalityWeight"/>).
    /// </param>
    /// <returns>The names of the service's clusters: all endpoints first, then one per subset.</returns>
    /// <exception cref="ArgumentException">The host, port, endpoints or subsets are not valid.</exception>
    public IReadOnlyList<string> SetService(
        string host,
        int port,
        IEnumerable<FakeEndpoint> endpoints,
        IEnumerable<FakeSubset>? subsets = null,
        ClusterLoadBalancerPolicy loadBalancerPolicy = ClusterLoadBalancerPolicy.RoundRobin,
        bool localityWeighted = false)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var fqdn = NormalizeHost(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        var endpointList = endpoints.ToImmutableArray();
        if (endpointList.Any(e => e is null))
        {
            throw new ArgumentException($"The endpoints of service '{fqdn}' contain null.", nameof(endpoints));
        }

        var subsetList = (subsets ?? []).ToImmutableArray();
        if (subsetList.Any(s => s is null))
        {
            throw new ArgumentException($"The subsets of service '{fqdn}' contain null.", nameof(subsets));
        }

        var duplicate = subsetList.GroupBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Service '{fqdn}' declares subset '{duplicate.Key}' more than once.", nameof(subsets));
        }

        var service = new FakeService(fqdn, port, endpointList, subsetList, loadBalancerPolicy, localityWeighted);
        Store.SetService(service);
        _ = PushToAllStreams();
        return [.. service.Clusters().Select(c => c.ClusterName)];
    }

    /// <summary>
    /// Sets the Istio mutual TLS settings of a service's clusters (kept when <see cref="SetService"/> replaces the service)
    /// and pushes to every stream; <see langword="null"/> goes back to the default, an empty UpstreamTlsContext.
    /// </summary>
    /// <param name="host">The host, in any form <see cref="SetService"/> accepts.</param>
    /// <param name="port">The service port.</param>
    /// <param name="tls">The settings, or <see langword="null"/>.</param>
    public void SetPeerTls(string host, int port, FakePeerTls? tls)
    {
        Store.SetPeerTls(NormalizeHost(host), port, tls);
        _ = PushToAllStreams();
    }

    /// <summary>Removes a service (all its clusters) and pushes to every stream.</summary>
    /// <param name="host">The host, in any form <see cref="SetService"/> accepts.</param>
    /// <param name="port">The service port.</param>
    /// <returns><see langword="true"/> when the service was there.</returns>
    public bool RemoveService(string host, int port)
    {
        var removed = Store.RemoveService(NormalizeHost(host), port);
        if (removed)
        {
            _ = PushToAllStreams();
        }

        return removed;
    }

    /// <summary>
    /// Serves <paramref name="resources"/>, whole and verbatim, for requests and pushes of <paramref name="typeUrl"/>,
    /// instead of the resources built from services (EDS is then not filtered by the subscribed names), and pushes.
    /// Lets a test send unusual or malformed content: duplicate names, a wrong type URL inside an Any, bytes that do
    /// not parse, Istio-shaped clusters with fields the client ignores.
    /// </summary>
    /// <param name="typeUrl">The requested type URL these resources answer (any type URL, known or not).</param>
    /// <param name="resources">The resources.</param>
    public void SetRawResources(string typeUrl, IEnumerable<Any> resources)
    {
        ArgumentException.ThrowIfNullOrEmpty(typeUrl);
        ArgumentNullException.ThrowIfNull(resources);
        Store.SetRaw(typeUrl, [.. resources]);
        _ = PushToAllStreams();
    }

    /// <summary>Stops serving raw resources for <paramref name="typeUrl"/> (services are served again) and pushes.</summary>
    /// <param name="typeUrl">The type URL.</param>
    /// <returns><see langword="true"/> when raw resources were set for it.</returns>
    public bool RemoveRawResources(string typeUrl)
    {
        ArgumentNullException.ThrowIfNull(typeUrl);
        var removed = Store.RemoveRaw(typeUrl);
        if (removed)
        {
            _ = PushToAllStreams();
        }

        return removed;
    }

    /// <summary>Removes every service and raw resource and pushes (CDS then holds no cluster).</summary>
    public void Clear()
    {
        Store.Clear();
        _ = PushToAllStreams();
    }

    /// <summary>Completes a host given as a short name (<c>reviews</c>) or name and namespace (<c>reviews.prod</c>) to a FQDN.</summary>
    internal static string NormalizeHost(string host)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        if (host.Contains('|', StringComparison.Ordinal) || host.StartsWith('.') || host.EndsWith('.') || host.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{host}' is not a service host name.", nameof(host));
        }

        return host.Count(c => c == '.') switch
        {
            0 => host + ".default.svc.cluster.local",
            1 => host + ".svc.cluster.local",
            _ => host,
        };
    }
}
