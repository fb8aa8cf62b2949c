using MeshClient.Xds.Protos.Core;
using MeshClient.Xds.Protos.Discovery;
using RpcStatus = MeshClient.Xds.Protos.Rpc.Status;

namespace MeshClient.Xds.Protocol;

/// <summary>
/// The incremental (delta) subscription of one resource type: its type URL, whether it is a wildcard, the version of
/// each accepted resource (sent as initial_resource_versions when a stream starts again), and the last nonce of the
/// current stream. Builds the subscription requests, ACKs and NACKs. Not thread-safe: one stream loop owns it.
/// </summary>
internal sealed class DeltaSubscriptionState
{
    /// <summary>The name that subscribes to every resource of a type (the explicit wildcard).</summary>
    public const string Wildcard = "*";

    private readonly Dictionary<string, string> _versions = new(StringComparer.Ordinal);

    /// <param name="typeUrl">The resource type URL.</param>
    /// <param name="wildcard">Whether every resource of the type is subscribed (CDS), rather than resources by name (EDS).</param>
    public DeltaSubscriptionState(string typeUrl, bool wildcard)
    {
        ArgumentException.ThrowIfNullOrEmpty(typeUrl);
        TypeUrl = typeUrl;
        IsWildcard = wildcard;
    }

    /// <summary>The resource type URL.</summary>
    public string TypeUrl { get; }

    /// <summary>Whether the subscription is a wildcard.</summary>
    public bool IsWildcard { get; }

    /// <summary>The nonce of the last response received on the current stream; empty on a new stream.</summary>
    public string Nonce { get; private set; } = string.Empty;

    /// <summary>The version of each accepted resource, by name. Kept across reconnects.</summary>
    public IReadOnlyDictionary<string, string> Versions => _versions;

    /// <summary>Forgets the nonce: a new stream starts.</summary>
    public void StartStream() => Nonce = string.Empty;

    /// <summary>
    /// The first request of the type on a stream: the node (when given), the subscription (<c>*</c> for a wildcard,
    /// else <paramref name="names"/>) and initial_resource_versions, the versions held of the subscribed resources.
    /// </summary>
    /// <param name="names">The subscribed names (ignored for a wildcard).</param>
    /// <param name="node">The node, for the first request of the stream only.</param>
    /// <returns>The request.</returns>
    public DeltaDiscoveryRequest CreateInitialRequest(IReadOnlyCollection<string> names, Node? node = null)
    {
        var request = new DeltaDiscoveryRequest { TypeUrl = TypeUrl, Node = node };
        if (IsWildcard)
        {
            request.ResourceNamesSubscribe.Add(Wildcard);
            request.InitialResourceVersions.Add(_versions);
            return request;
        }

        request.ResourceNamesSubscribe.AddRange(names);
        foreach (var name in names)
        {
            if (_versions.TryGetValue(name, out var version))
            {
                request.InitialResourceVersions[name] = version;
            }
        }

        return request;
    }

    /// <summary>A change of subscription: names added and removed. It carries no nonce (it is no ACK).</summary>
    /// <param name="subscribe">The names subscribed now.</param>
    /// <param name="unsubscribe">The names no longer wanted; their versions are forgotten.</param>
    /// <returns>The request.</returns>
    public DeltaDiscoveryRequest CreateSubscriptionChange(IEnumerable<string> subscribe, IReadOnlyCollection<string> unsubscribe)
    {
        var request = new DeltaDiscoveryRequest { TypeUrl = TypeUrl };
        request.ResourceNamesSubscribe.AddRange(subscribe);
        request.ResourceNamesUnsubscribe.AddRange(unsubscribe);
        foreach (var name in unsubscribe)
        {
            _versions.Remove(name);
        }

        return request;
    }

    /// <summary>Records that a response arrived (its nonce), before it is applied or rejected.</summary>
    /// <param name="response">The response.</param>
    public void OnResponse(DeltaDiscoveryResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        Nonce = response.Nonce;
    }

    /// <summary>Records the version of an accepted resource.</summary>
    public void SetVersion(string name, string version) => _versions[name] = version;

    /// <summary>Forgets a resource (removed by the server, or no longer subscribed).</summary>
    public void RemoveVersion(string name) => _versions.Remove(name);

    /// <summary>The ACK of <paramref name="response"/>: its nonce.</summary>
    /// <param name="response">The applied response.</param>
    /// <returns>The ACK.</returns>
    public DeltaDiscoveryRequest Ack(DeltaDiscoveryResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        Nonce = response.Nonce;
        return new DeltaDiscoveryRequest { TypeUrl = TypeUrl, ResponseNonce = response.Nonce };
    }

    /// <summary>The NACK of <paramref name="response"/>: its nonce and error_detail INVALID_ARGUMENT with <paramref name="message"/>.</summary>
    /// <param name="response">The rejected response.</param>
    /// <param name="message">What is wrong, naming the resources.</param>
    /// <returns>The NACK.</returns>
    public DeltaDiscoveryRequest Nack(DeltaDiscoveryResponse response, string message)
    {
        ArgumentNullException.ThrowIfNull(response);
        Nonce = response.Nonce;
        return new DeltaDiscoveryRequest
        {
            TypeUrl = TypeUrl,
            ResponseNonce = response.Nonce,
            ErrorDetail = new RpcStatus { Code = XdsSubscriptionState.InvalidArgumentCode, Message = message },
        };
    }
}
