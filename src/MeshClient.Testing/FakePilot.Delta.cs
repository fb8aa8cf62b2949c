using System.Collections.Immutable;
using MeshClient.Testing.Ads;
using MeshClient.Xds.Protos.Discovery;

namespace MeshClient.Testing;

/// <summary>
/// Recording of delta (incremental) xDS streams: FakePilot serves <c>DeltaAggregatedResources</c> (v3) from the same
/// state as state-of-the-world streams; each delta stream gets only what changed for it (see AdsStream.Delta.cs).
/// </summary>
public sealed partial class FakePilot
{
    internal RecordedRequest RecordDeltaRequest(AdsStream stream, DeltaDiscoveryRequest request, bool isAck, bool isStale) =>
        _requests.Add(sequence => new RecordedRequest(
            sequence,
            stream.Id,
            stream.MethodPath,
            request.Node?.Id,
            request.Node?.Metadata?.Clone(),
            request.TypeUrl,
            string.Empty,
            request.ResponseNonce,
            [],
            request.ErrorDetail is { } error ? new RecordedErrorDetail(error.Code, error.Message) : null,
            isAck,
            isStale)
        {
            IsDelta = true,
            ResourceNamesSubscribe = [.. request.ResourceNamesSubscribe],
            ResourceNamesUnsubscribe = [.. request.ResourceNamesUnsubscribe],
            InitialResourceVersions = request.InitialResourceVersions.ToImmutableSortedDictionary(StringComparer.Ordinal),
        });

    internal RecordedResponse RecordDeltaResponse(int streamId, string typeUrl, string version, string nonce, ImmutableArray<string> names, ImmutableArray<string> removed) =>
        _responses.Add(sequence => new RecordedResponse(sequence, streamId, typeUrl, version, nonce, names) { IsDelta = true, RemovedResources = removed });
}
