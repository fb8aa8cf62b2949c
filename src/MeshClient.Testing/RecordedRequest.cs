using System.Globalization;
using System.Text;
using Google.Protobuf.WellKnownTypes;

namespace MeshClient.Testing;

/// <summary>
/// A DiscoveryRequest that a client sent to <see cref="FakePilot"/>, with how Pilot classified it.
/// </summary>
public sealed record RecordedRequest
{
    internal RecordedRequest(
        int sequence,
        int streamId,
        string methodPath,
        string? nodeId,
        Struct? nodeMetadata,
        string typeUrl,
        string versionInfo,
        string responseNonce,
        IReadOnlyList<string> resourceNames,
        RecordedErrorDetail? errorDetail,
        bool isAck,
        bool isStale)
    {
        Sequence = sequence;
        StreamId = streamId;
        MethodPath = methodPath;
        NodeId = nodeId;
        NodeMetadata = nodeMetadata;
        TypeUrl = typeUrl;
        VersionInfo = versionInfo;
        ResponseNonce = responseNonce;
        ResourceNames = resourceNames;
        ErrorDetail = errorDetail;
        IsAck = isAck;
        IsStale = isStale;
    }

    /// <summary>The request's position among all requests this FakePilot received, from 1.</summary>
    public int Sequence { get; }

    /// <summary>The stream it came on; streams are numbered from 1 in the order they opened, across restarts.</summary>
    public int StreamId { get; }

    /// <summary>The gRPC method path of the stream (the v2 or the v3 ADS method).</summary>
    public string MethodPath { get; }

    /// <summary>The node id, or <see langword="null"/> when the request carried no node.</summary>
    public string? NodeId { get; }

    /// <summary>The node metadata, or <see langword="null"/> when the request carried no node or no metadata.</summary>
    public Struct? NodeMetadata { get; }

    /// <summary>The requested type URL.</summary>
    public string TypeUrl { get; }

    /// <summary>The version_info.</summary>
    public string VersionInfo { get; }

    /// <summary>The response_nonce; empty for a first request.</summary>
    public string ResponseNonce { get; }

    /// <summary>The resource_names (empty for a wildcard request).</summary>
    public IReadOnlyList<string> ResourceNames { get; }

    /// <summary>Whether it came on a delta (incremental) stream: a DeltaDiscoveryRequest, whose version_info and resource_names are empty.</summary>
    public bool IsDelta { get; internal init; }

    /// <summary>Delta only: resource_names_subscribe (<c>*</c> subscribes to every resource of the type).</summary>
    public IReadOnlyList<string> ResourceNamesSubscribe { get; internal init; } = [];

    /// <summary>Delta only: resource_names_unsubscribe.</summary>
    public IReadOnlyList<string> ResourceNamesUnsubscribe { get; internal init; } = [];

    /// <summary>Delta only: initial_resource_versions, the version of each resource the client holds (first request of a type on a stream).</summary>
    public IReadOnlyDictionary<string, string> InitialResourceVersions { get; internal init; } = new Dictionary<string, string>();

    /// <summary>The error_detail, or <see langword="null"/>.</summary>
    public RecordedErrorDetail? ErrorDetail { get; }

    /// <summary>
    /// Whether this acknowledges the latest response of its type on its stream: no error_detail, the latest nonce
    /// and that response's version.
    /// </summary>
    public bool IsAck { get; }

    /// <summary>Whether this is a NACK: error_detail is set.</summary>
    public bool IsNack => ErrorDetail is not null;

    /// <summary>
    /// Whether the nonce is not the latest one sent for the type on this stream (after the first request of the type),
    /// so Pilot ignored the request.
    /// </summary>
    public bool IsStale { get; }

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"#{Sequence} stream {StreamId} {TypeUrl} version='{VersionInfo}' nonce='{ResponseNonce}' names=[{string.Join(",", ResourceNames)}]");
        if (IsDelta)
        {
            text.Append(CultureInfo.InvariantCulture, $" delta subscribe=[{string.Join(",", ResourceNamesSubscribe)}] unsubscribe=[{string.Join(",", ResourceNamesUnsubscribe)}] initial=[{string.Join(",", InitialResourceVersions.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "@" + p.Value))}]");
        }

        if (NodeId is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" node='{NodeId}'");
        }

        if (ErrorDetail is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" NACK({ErrorDetail.Code}: {ErrorDetail.Message})");
        }

        if (IsAck)
        {
            text.Append(" ACK");
        }

        if (IsStale)
        {
            text.Append(" STALE");
        }

        return text.ToString();
    }
}
