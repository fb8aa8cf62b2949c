using System.Net;

namespace MeshClient.Resilience;

/// <summary>
/// Decides whether a failed attempt may be retried. Plain HTTP: idempotent methods (or any method when configured)
/// after a connection failure, or a 502, 503 or 504 for idempotent methods whose body can be sent again. gRPC: calls
/// with one request message (unary and server streaming, which look alike on the wire) after a connection failure or a
/// trailers-only UNAVAILABLE (no response message was sent, so nothing was seen by the caller); client and
/// bidirectional streaming calls never.
/// </summary>
internal static class RetryClassifier
{
    private const int GrpcUnavailable = 14;

    public static CallKind Classify(HttpRequestMessage request)
    {
        var content = request.Content;
        if (content is null
            || !content.Headers.NonValidated.TryGetValues("Content-Type", out var contentTypes)
            || !StartsWithGrpc(contentTypes))
        {
            return CallKind.Http;
        }

        // Grpc.Net.Client sends unary and server-streaming requests as PushUnaryContent or LengthUnaryContent (one
        // request message, written again when serialized twice); other contents with a known length are replayable
        // too. Client and bidirectional streaming send a stream of messages: never replayable.
        return IsGrpcUnaryContent(content) || content.Headers.ContentLength is not null
            ? CallKind.GrpcUnary
            : CallKind.GrpcStreaming;
    }

    /// <summary>
    /// Whether the request body can be sent again after an attempt that got a response (and so read the body): no
    /// body, a buffered one (<see cref="ByteArrayContent"/> and its kinds, <see cref="ReadOnlyMemoryContent"/>), a
    /// gRPC unary message, JSON content that serializes its value each time, or multipart content of such parts.
    /// </summary>
    public static bool IsReplayable(HttpContent? content) => content switch
    {
        null => true,
        ByteArrayContent or ReadOnlyMemoryContent => true,
        MultipartContent parts => parts.All(IsReplayable),
        _ => IsGrpcUnaryContent(content) || content.GetType().Name == "JsonContent",
    };

    /// <summary>Grpc.Net.Client's PushUnaryContent or LengthUnaryContent: one message, written again when serialized twice.</summary>
    private static bool IsGrpcUnaryContent(HttpContent content) =>
        content.GetType().Name.Contains("UnaryContent", StringComparison.Ordinal);

    /// <summary>Whether a call of this kind and method may ever be retried; when not, the retry pipeline is skipped.</summary>
    public static bool MayEverRetry(CallKind kind, HttpMethod method, bool retryNonIdempotent) => kind switch
    {
        CallKind.GrpcStreaming => false,
        CallKind.GrpcUnary => true,
        _ => retryNonIdempotent || IsIdempotent(method),
    };

    public static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options ||
        method == HttpMethod.Put || method == HttpMethod.Delete || method == HttpMethod.Trace;

    /// <summary>Whether the exception means the request never reached the endpoint (connection refused or failed, name not resolved, TLS failed).</summary>
    public static bool IsConnectionFailure(Exception exception) =>
        exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError };

    /// <summary>
    /// Whether a response counts as an endpoint failure for outlier ejection and the load balancer: a 5xx, or for gRPC
    /// a trailers-only UNAVAILABLE (which Envoy also maps to 503).
    /// </summary>
    public static bool IsEndpointFailure(CallKind kind, HttpResponseMessage response) =>
        (int)response.StatusCode >= 500 || (kind != CallKind.Http && IsTrailersOnlyUnavailable(response));

    /// <summary>
    /// Whether a failed attempt may be retried: after a connection failure the request never reached the endpoint
    /// (its body was not read); after a response, only when the body can be sent again. A gRPC unary call is retried
    /// after any transport failure before its response, which ends it UNAVAILABLE.
    /// </summary>
    public static bool MayRetry(CallKind kind, HttpRequestMessage request, bool retryNonIdempotent, HttpResponseMessage? response, Exception? exception)
    {
        if (response is not null && !IsReplayable(request.Content))
        {
            return false;
        }

        switch (kind)
        {
            case CallKind.GrpcStreaming:
                return false;
            case CallKind.GrpcUnary:
                // A transport failure before any response (refused, or the connection lost as a pod dies) ends a gRPC
                // call UNAVAILABLE, the status a gRPC unary call is retried on, as a trailers-only UNAVAILABLE is.
                return exception is not null ? exception is HttpRequestException : IsTrailersOnlyUnavailable(response!) || IsGatewayFailure(response!.StatusCode);
        }

        if (exception is not null)
        {
            return IsConnectionFailure(exception) && (retryNonIdempotent || IsIdempotent(request.Method));
        }

        return IsIdempotent(request.Method) && IsGatewayFailure(response!.StatusCode);
    }

    private static bool StartsWithGrpc(IEnumerable<string> contentTypes)
    {
        foreach (var contentType in contentTypes)
        {
            return contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);
        }

        return false;
    }

    private static bool IsGatewayFailure(HttpStatusCode status) =>
        status is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    /// <summary>A gRPC response whose headers already carry grpc-status 14: the server answered before sending any message.</summary>
    public static bool IsTrailersOnlyUnavailable(HttpResponseMessage response)
    {
        if (!response.Headers.NonValidated.TryGetValues("grpc-status", out var values))
        {
            return false;
        }

        foreach (var status in values)
        {
            return int.TryParse(status, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code) && code == GrpcUnavailable;
        }

        return false;
    }
}
