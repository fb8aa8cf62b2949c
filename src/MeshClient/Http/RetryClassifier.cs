using System.Net;
using System.Net.Sockets;

namespace MeshClient.Http;

/// <summary>
/// Decides whether a failed attempt may be retried. Plain HTTP: idempotent methods (or any method when configured)
/// after a connection failure, or a 502, 503 or 504 for idempotent methods. gRPC: unary calls only, after a
/// connection failure or a trailers-only UNAVAILABLE (no response message was sent); streaming calls never.
/// </summary>
internal static class RetryClassifier
{
    private const int GrpcUnavailable = 14;

    public static CallKind Classify(HttpRequestMessage request)
    {
        var content = request.Content;
        if (content?.Headers.ContentType?.MediaType is not { } mediaType || !mediaType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase))
        {
            return CallKind.Http;
        }

        // Grpc.Net.Client sends unary requests as PushUnaryContent or LengthUnaryContent, which write the same
        // message again when serialized twice; other contents with a known length are replayable too.
        return content.GetType().Name.Contains("UnaryContent", StringComparison.Ordinal) || content.Headers.ContentLength is not null
            ? CallKind.GrpcUnary
            : CallKind.GrpcStreaming;
    }

    public static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options ||
        method == HttpMethod.Put || method == HttpMethod.Delete || method == HttpMethod.Trace;

    /// <summary>Whether the exception means the request never reached the endpoint (refused, reset before sending, name not resolved).</summary>
    public static bool IsConnectionFailure(Exception exception) => exception switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError } => true,
        HttpRequestException { InnerException: SocketException } => true,
        _ => false,
    };

    /// <summary>Whether the attempt counts as an endpoint failure for outlier ejection: a connection failure or a 5xx.</summary>
    public static bool IsEndpointFailure(HttpResponseMessage? response, Exception? exception) =>
        exception is not null ? IsConnectionFailure(exception) : (int)response!.StatusCode >= 500;

    /// <summary>
    /// Whether a response counts as an endpoint failure for outlier ejection and the load balancer: a 5xx, or for gRPC
    /// a trailers-only UNAVAILABLE (which Envoy also maps to 503).
    /// </summary>
    public static bool IsEndpointFailure(CallKind kind, HttpResponseMessage response) =>
        (int)response.StatusCode >= 500 || (kind != CallKind.Http && IsTrailersOnlyUnavailable(response));

    public static bool MayRetry(CallKind kind, HttpMethod method, bool retryNonIdempotent, HttpResponseMessage? response, Exception? exception)
    {
        switch (kind)
        {
            case CallKind.GrpcStreaming:
                return false;
            case CallKind.GrpcUnary:
                return exception is not null ? IsConnectionFailure(exception) : IsTrailersOnlyUnavailable(response!) || IsGatewayFailure(response!.StatusCode);
        }

        if (exception is not null)
        {
            return IsConnectionFailure(exception) && (retryNonIdempotent || IsIdempotent(method));
        }

        return IsIdempotent(method) && IsGatewayFailure(response!.StatusCode);
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
