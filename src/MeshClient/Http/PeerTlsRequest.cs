using MeshClient.Registry;
using MeshClient.Routing;

namespace MeshClient.Http;

/// <summary>
/// Carries an attempt's peer TLS settings from the routing handler to the connection (the <see cref="PeerTlsConnector"/>
/// of the <see cref="SocketsHttpHandler"/> beneath) in <see cref="HttpRequestMessage.Options"/>. The request URI stays
/// <c>http://</c> to the endpoint's address: the connection pool is per endpoint, so the settings of the request that
/// opens a connection hold for every request it carries.
/// </summary>
internal static class PeerTlsRequest
{
    /// <summary>The option key: the settings, or <see langword="null"/> for plaintext.</summary>
    public static readonly HttpRequestOptionsKey<PeerTlsSettings?> Key = new("MeshClient.PeerTls");

    /// <summary>
    /// Puts on <paramref name="request"/> the TLS settings for <paramref name="endpoint"/>: those of the cluster the
    /// decision routes to (its subset's, else the all-endpoints cluster), when they apply to the endpoint (it is marked
    /// <c>tlsMode: istio</c>, or the cluster's socket is TLS for all); otherwise plaintext. Requests to services that
    /// use no TLS are left untouched.
    /// </summary>
    /// <param name="request">The attempt's request.</param>
    /// <param name="decision">The routing decision.</param>
    /// <param name="endpoint">The attempt's endpoint.</param>
    public static void Apply(HttpRequestMessage request, in RouteDecision decision, MeshEndpoint endpoint)
    {
        if (decision.Service is not { UsesPeerTls: true } service)
        {
            return;
        }

        var settings = ClusterOf(service, decision.Subset, endpoint)?.PeerTls;
        request.Options.Set(Key, settings is not null && settings.AppliesTo(endpoint) ? settings : null);
    }

    /// <summary>The settings on <paramref name="request"/>; <see langword="null"/> for plaintext.</summary>
    /// <param name="request">The request that opens a connection.</param>
    /// <returns>The settings, or <see langword="null"/>.</returns>
    public static PeerTlsSettings? Get(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(Key, out var settings) ? settings : null;

    private static MeshCluster? ClusterOf(MeshService service, string? subset, MeshEndpoint endpoint)
    {
        if (subset is not null && service.Subsets.TryGetValue(subset, out var chosen))
        {
            return chosen;
        }

        if (service.AllEndpoints is { } all)
        {
            return all;
        }

        foreach (var cluster in service.Subsets.Values)
        {
            if (cluster.Endpoints.Contains(endpoint))
            {
                return cluster;
            }
        }

        return null;
    }
}
