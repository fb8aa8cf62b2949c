using System.Collections.Immutable;
using MeshClient.Testing.Ads;
using MeshClient.Testing.Recording;
using MeshClient.Xds.Protos.Discovery;

namespace MeshClient.Testing;

/// <summary>What FakePilot records: every request and response, and the waits for them.</summary>
public sealed partial class FakePilot
{
    private readonly AwaitableLog<RecordedRequest> _requests = new("request");
    private readonly AwaitableLog<RecordedResponse> _responses = new("response");

    /// <summary>Every request received so far, in order, on all streams.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _requests.Snapshot();

    /// <summary>Every response sent so far, in order, on all streams.</summary>
    public IReadOnlyList<RecordedResponse> Responses => _responses.Snapshot();

    /// <summary>
    /// Waits for a request that matches <paramref name="predicate"/>: the earliest one already recorded, or the next to arrive.
    /// </summary>
    /// <param name="predicate">Selects the request.</param>
    /// <param name="timeout">How long to wait, in real time.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The request.</returns>
    /// <exception cref="TimeoutException">No request matched in time; the message lists the recorded requests.</exception>
    public Task<RecordedRequest> WaitForRequestAsync(Func<RecordedRequest, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _requests.WaitAsync(predicate, timeout, cancellationToken);

    /// <summary>
    /// Waits for a response that matches <paramref name="predicate"/>: the earliest one already sent, or the next.
    /// </summary>
    /// <param name="predicate">Selects the response.</param>
    /// <param name="timeout">How long to wait, in real time.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The response.</returns>
    /// <exception cref="TimeoutException">No response matched in time; the message lists the sent responses.</exception>
    public Task<RecordedResponse> WaitForResponseAsync(Func<RecordedResponse, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _responses.WaitAsync(predicate, timeout, cancellationToken);

    internal RecordedRequest RecordRequest(AdsStream stream, DiscoveryRequest request, IReadOnlyList<string> names, bool isAck, bool isStale) =>
        _requests.Add(sequence => new RecordedRequest(
            sequence,
            stream.Id,
            stream.MethodPath,
            request.Node?.Id,
            request.Node?.Metadata?.Clone(),
            request.TypeUrl,
            request.VersionInfo,
            request.ResponseNonce,
            names,
            request.ErrorDetail is { } error ? new RecordedErrorDetail(error.Code, error.Message) : null,
            isAck,
            isStale));

    internal RecordedResponse RecordResponse(int streamId, string typeUrl, string version, string nonce, ImmutableArray<string> names) =>
        _responses.Add(sequence => new RecordedResponse(sequence, streamId, typeUrl, version, nonce, names));
}
