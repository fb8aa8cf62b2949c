using System.Collections.Immutable;
using MeshClient.Xds.Protos.Core;
using MeshClient.Xds.Protos.Discovery;
using RpcStatus = MeshClient.Xds.Protos.Rpc.Status;

namespace MeshClient.Xds.Protocol;

/// <summary>
/// The state-of-the-world subscription of one resource type: its type URL, the last applied (ACKed) version, the
/// last nonce received on the current stream, and the subscribed names. Builds the requests, ACKs and NACKs.
/// Not thread-safe: one stream loop owns it.
/// </summary>
/// <remarks>
/// Every request of the type carries every subscribed name (the protocol wants them on each ACK), so the subscription
/// keeps one <see cref="DiscoveryRequest"/> whose resource_names change only when the subscription does; a request,
/// ACK or NACK sets its version, nonce, node and error_detail and returns that same object. Writes are sequential
/// (the stream loop awaits each) and Grpc.Net.Client serializes a message before its write completes, so an ACK costs
/// O(1) on the client however many names are subscribed. A returned request is valid until the next call that builds
/// one: write it (or copy it) before that. Each stream gets a fresh object (<see cref="StartStream"/>).
/// </remarks>
internal sealed class XdsSubscriptionState
{
    /// <summary>The gRPC status code INVALID_ARGUMENT, sent in a NACK's error_detail.</summary>
    public const int InvalidArgumentCode = 3;

    private readonly SortedSet<string> _names = new(StringComparer.Ordinal);
    private DiscoveryRequest _request;
    private ImmutableArray<string>? _sortedNames = ImmutableArray<string>.Empty;
    private bool _requestNamesStale;

    public XdsSubscriptionState(string typeUrl)
    {
        ArgumentException.ThrowIfNullOrEmpty(typeUrl);
        TypeUrl = typeUrl;
        _request = new DiscoveryRequest { TypeUrl = typeUrl };
    }

    /// <summary>The resource type URL.</summary>
    public string TypeUrl { get; }

    /// <summary>The version of the last applied (ACKed) response; empty before the first. Kept across reconnects.</summary>
    public string Version { get; private set; } = string.Empty;

    /// <summary>The nonce of the last response received on the current stream; empty on a new stream.</summary>
    public string Nonce { get; private set; } = string.Empty;

    /// <summary>
    /// The subscribed resource names, sorted ordinally. Empty for a wildcard subscription (CDS). The array is built
    /// once per change of the subscription, on first read; it stays the same object until the next change.
    /// </summary>
    public ImmutableArray<string> ResourceNames => _sortedNames ??= [.. _names];

    /// <summary>The subscribed resource names as a set, for membership tests per resource of a response (O(log n)).</summary>
    public IReadOnlySet<string> ResourceNameSet => _names;

    /// <summary>The number of subscribed names.</summary>
    public int ResourceNameCount => _names.Count;

    /// <summary>Whether a response has ever been applied.</summary>
    public bool HasVersion { get; private set; }

    /// <summary>
    /// Forgets the nonce: a new stream starts. The new stream gets a request object of its own, so a write the ended
    /// stream may still be finishing never sees it change.
    /// </summary>
    public void StartStream()
    {
        Nonce = string.Empty;
        _request = new DiscoveryRequest { TypeUrl = TypeUrl };
        _requestNamesStale = _names.Count > 0;
    }

    /// <summary>Sets the subscribed names. O(n log n).</summary>
    /// <param name="names">The names, in any order; duplicates are dropped.</param>
    /// <returns><see langword="true"/> when the set changed.</returns>
    public bool SetResourceNames(IEnumerable<string> names)
    {
        var next = new SortedSet<string>(names, StringComparer.Ordinal);
        if (next.SetEquals(_names))
        {
            return false;
        }

        _names.Clear();
        _names.UnionWith(next);
        NamesChanged();
        return true;
    }

    /// <summary>
    /// Changes the subscribed names by <paramref name="added"/> and <paramref name="removed"/> (a name in both is
    /// removed): O(k log n) for k names, whatever the number subscribed.
    /// </summary>
    /// <param name="added">Names to subscribe; those subscribed already are left out of the change.</param>
    /// <param name="removed">Names to unsubscribe; those not subscribed are left out of the change.</param>
    /// <returns>The names actually added and removed.</returns>
    public (List<string> Added, List<string> Removed) ChangeResourceNames(IEnumerable<string> added, IEnumerable<string> removed)
    {
        var removing = new HashSet<string>(removed, StringComparer.Ordinal);
        var actuallyAdded = new List<string>();
        var actuallyRemoved = new List<string>();
        foreach (var name in added)
        {
            if (!removing.Contains(name) && _names.Add(name))
            {
                actuallyAdded.Add(name);
            }
        }

        foreach (var name in removing)
        {
            if (_names.Remove(name))
            {
                actuallyRemoved.Add(name);
            }
        }

        if (actuallyAdded.Count > 0 || actuallyRemoved.Count > 0)
        {
            NamesChanged();
        }

        return (actuallyAdded, actuallyRemoved);
    }

    /// <summary>
    /// The (re)subscription request with the current version, nonce and names: the subscription's one request object,
    /// valid until the next request, ACK or NACK is built.
    /// </summary>
    /// <param name="node">The node, for the first request of a stream only.</param>
    /// <returns>The request.</returns>
    public DiscoveryRequest CreateRequest(Node? node = null)
    {
        if (_requestNamesStale)
        {
            _request.ResourceNames.Clear();
            _request.ResourceNames.AddRange(ResourceNames);
            _requestNamesStale = false;
        }

        _request.VersionInfo = Version;
        _request.ResponseNonce = Nonce;
        _request.Node = node;
        _request.ErrorDetail = null;
        return _request;
    }

    /// <summary>Records that a response arrived (its nonce), before it is applied or rejected.</summary>
    /// <param name="response">The response.</param>
    public void OnResponse(DiscoveryResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        Nonce = response.Nonce;
    }

    /// <summary>
    /// Records that <paramref name="response"/> was applied and builds its ACK: its version and nonce (the
    /// subscription's one request object, see <see cref="CreateRequest"/>).
    /// </summary>
    /// <param name="response">The applied response.</param>
    /// <returns>The ACK.</returns>
    public DiscoveryRequest Ack(DiscoveryResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        Nonce = response.Nonce;
        Version = response.VersionInfo;
        HasVersion = true;
        return CreateRequest();
    }

    /// <summary>
    /// Builds the NACK of <paramref name="response"/>: the last applied version (empty if none), the response's nonce,
    /// and error_detail INVALID_ARGUMENT with <paramref name="message"/> (the subscription's one request object, see
    /// <see cref="CreateRequest"/>).
    /// </summary>
    /// <param name="response">The rejected response.</param>
    /// <param name="message">What is wrong, naming the resource.</param>
    /// <returns>The NACK.</returns>
    public DiscoveryRequest Nack(DiscoveryResponse response, string message)
    {
        ArgumentNullException.ThrowIfNull(response);
        Nonce = response.Nonce;
        var request = CreateRequest();
        request.ErrorDetail = new RpcStatus { Code = InvalidArgumentCode, Message = message };
        return request;
    }

    private void NamesChanged()
    {
        _sortedNames = null;
        _requestNamesStale = true;
    }
}
