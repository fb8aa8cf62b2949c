using MeshClient.Resilience;

namespace MeshClient.Grpc;

/// <summary>
/// Sits under an <c>xds:///</c> channel's balancer and marks on the request when the response says the endpoint
/// failed (a trailers-only UNAVAILABLE, or an HTTP 5xx), because Grpc.Net.Client tells a call tracker only whether
/// the send threw. <see cref="MeshCallTracker"/> reads the mark.
/// </summary>
internal sealed class GrpcResponseStatusRecorder : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<bool> FailedKey = new("MeshClient.EndpointFailed");

    /// <summary>Whether the response to <paramref name="request"/> was marked as the endpoint's failure.</summary>
    public static bool IsEndpointFailure(HttpRequestMessage request) =>
        request.Options.TryGetValue(FailedKey, out var failed) && failed;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (RetryClassifier.IsEndpointFailure(CallKind.GrpcUnary, response))
        {
            request.Options.Set(FailedKey, true);
        }

        return response;
    }
}
