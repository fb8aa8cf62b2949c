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
internal sealed class XdsSubscriptionState
{
    /// <summary>The gRPC status code INVALID_ARGUMENT, sent in a NACK's error_detail.</summary>
    public const int InvalidArgumentCode = 3;

    public XdsSubscriptionState(string typeUrl)
    {
        ArgumentException.ThrowIfNullOrEmpty(typeUrl);
        TypeUrl = typeUrl;
    }

    /// <summary>The resource type URL.</summary>
    public string TypeUrl { get; }

    /// <summary>The version of the last applied (ACKed) response; empty before the first. Kept across reconnects.</summary>
    public string Version { get; private set; } = string.Empty;

    /// <summary>The nonce of the last response received on the current stream; empty on a new stream.</summary>
    public string Nonce { get; private set; } = string.Empty;

    /// <summary>The subscribed resource names, sorted ordinally. Empty for a wildcard subscription (CDS).</summary>
    public ImmutableArray<string> ResourceNames { get; private set; } = ImmutableArray<string>.Empty;

    /// <summary>The subscribed resource names as a set, for O(1) membership tests per resource of a response.</summary>
    public IReadOnlySet<string> ResourceNameSet { get; private set; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Whether a response has ever been applied.</summary>
    public bool HasVersion { get; private set; }

    /// <summary>Forgets the nonce: a new stream starts.</summary>
    public void StartStream() => Nonce = string.Empty;

    /// <summary>Sets the subscribed names.</summary>
    /// <param name="names">The names, in any order; duplicates are dropped.</param>
    /// <returns><see langword="true"/> when the set changed.</returns>
    public bool SetResourceNames(IEnumerable<string> names)
    {
        var sorted = names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToImmutableArray();
        if (sorted.SequenceEqual(ResourceNames, StringComparer.Ordinal))
        {
            return false;
        }

        ResourceNames = sorted;
        ResourceNameSet = sorted.ToHashSet(StringComparer.Ordinal);
        return true;
    }

    /// <summary>Builds a (re)subscription request with the current version, nonce and names.</summary>
    /// <param name="node">The node, for the first request of a stream only.</param>
    /// <returns>The request.</returns>
    public DiscoveryRequest CreateRequest(Node? node = null)
    {
        var request = new DiscoveryRequest
        {
            TypeUrl = TypeUrl,
            VersionInfo = Version,
            ResponseNonce = Nonce,
            Node = node,
        };
        request.ResourceNames.AddRange(ResourceNames);
        return request;
    }

    /// <summary>Records that a response arrived (its nonce), before it is applied or rejected.</summary>
    /// <param name="response">The response.</param>
    public void OnResponse(DiscoveryResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        Nonce = response.Nonce;
    }

    /// <summary>Records that <paramref name="response"/> was applied and builds its ACK: its version and nonce.</summary>
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
    /// and error_detail INVALID_ARGUMENT with <paramref name="message"/>.
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
}
