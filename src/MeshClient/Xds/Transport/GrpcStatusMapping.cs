using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;

namespace MeshClient.Xds.Transport;

/// <summary>
/// Turns what HTTP/2 reports (HTTP status codes, grpc-status headers, RST_STREAM codes, socket failures) into gRPC
/// statuses, as the gRPC over HTTP/2 protocol specifies.
/// </summary>
internal static class GrpcStatusMapping
{
    /// <summary>The trailer (or trailers-only header) with the call's status.</summary>
    public const string StatusHeader = "grpc-status";

    /// <summary>The trailer (or trailers-only header) with the percent-encoded status message.</summary>
    public const string MessageHeader = "grpc-message";

    /// <summary>
    /// The gRPC status of a response that carries no grpc-status, from its HTTP status (the protocol's
    /// "HTTP to gRPC Status Code Mapping"; only for responses without grpc-status).
    /// </summary>
    public static GrpcStatusCode FromHttpStatus(HttpStatusCode status) => (int)status switch
    {
        400 => GrpcStatusCode.Internal,
        401 => GrpcStatusCode.Unauthenticated,
        403 => GrpcStatusCode.PermissionDenied,
        404 => GrpcStatusCode.Unimplemented,
        429 or 502 or 503 or 504 => GrpcStatusCode.Unavailable,
        _ => GrpcStatusCode.Unknown,
    };

    /// <summary>The gRPC status of a stream the server reset with this HTTP/2 error code (RST_STREAM or GOAWAY).</summary>
    public static GrpcStatusCode FromHttp2ErrorCode(long errorCode) => errorCode switch
    {
        0x7 => GrpcStatusCode.Unavailable, // REFUSED_STREAM: nothing was processed, the call may be retried.
        0x8 => GrpcStatusCode.Cancelled, // CANCEL sent by the server.
        0xB => GrpcStatusCode.ResourceExhausted, // ENHANCE_YOUR_CALM
        0xC => GrpcStatusCode.PermissionDenied, // INADEQUATE_SECURITY
        _ => GrpcStatusCode.Internal, // NO_ERROR without a status, PROTOCOL_ERROR, INTERNAL_ERROR and the rest.
    };

    /// <summary>
    /// Reads grpc-status and grpc-message (percent-decoded) from trailers or from the headers of a trailers-only
    /// response. A grpc-status that is not a number is read as Unknown, with the raw value in the message.
    /// </summary>
    /// <returns><see langword="false"/> when the headers have no grpc-status.</returns>
    public static bool TryReadStatus(HttpHeaders headers, out GrpcStatus status)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (!headers.NonValidated.TryGetValues(StatusHeader, out var statusValues) || statusValues.Count == 0)
        {
            status = default;
            return false;
        }

        var rawStatus = First(statusValues);
        var detail = headers.NonValidated.TryGetValues(MessageHeader, out var messageValues) && messageValues.Count > 0
            ? GrpcStatusMessageEncoding.Decode(First(messageValues))
            : string.Empty;

        status = int.TryParse(rawStatus, NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            ? new GrpcStatus((GrpcStatusCode)code, detail)
            : new GrpcStatus(
                GrpcStatusCode.Unknown,
                $"The server sent an invalid grpc-status '{rawStatus}'." + (detail.Length == 0 ? string.Empty : " grpc-message: " + detail));
        return true;
    }

    /// <summary>
    /// Maps an exception thrown by HttpClient or the response stream. Failures to reach the server become Unavailable
    /// with the cause in the message; a stream reset by the server follows the RST_STREAM table.
    /// </summary>
    public static GrpcCallException FromException(Exception exception, Uri address)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(address);
        var protocolError = Find<HttpProtocolException>(exception);
        if (protocolError is not null)
        {
            return new GrpcCallException(
                FromHttp2ErrorCode(protocolError.ErrorCode),
                $"The HTTP/2 stream to {address} was reset (HTTP/2 error code 0x{protocolError.ErrorCode:X}): {Describe(exception)}",
                exception);
        }

        return exception switch
        {
            InvalidProtocolBufferException => new GrpcCallException(
                GrpcStatusCode.Internal, $"A response message from {address} could not be parsed: {exception.Message}", exception),
            HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError } =>
                new GrpcCallException(GrpcStatusCode.Unavailable, $"Failed to connect to {address}: {Describe(exception)}", exception),
            HttpRequestException or IOException => new GrpcCallException(
                GrpcStatusCode.Unavailable, $"The connection to {address} failed: {Describe(exception)}", exception),
            OperationCanceledException => new GrpcCallException(GrpcStatusCode.Cancelled, "The call was cancelled.", exception),
            ObjectDisposedException => new GrpcCallException(GrpcStatusCode.Cancelled, "The call or its transport was disposed.", exception),
            _ => new GrpcCallException(GrpcStatusCode.Internal, $"The call to {address} failed: {Describe(exception)}", exception),
        };
    }

    private static string First(HeaderStringValues values)
    {
        foreach (var value in values)
        {
            return value.Trim();
        }

        return string.Empty;
    }

    private static T? Find<T>(Exception exception)
        where T : Exception
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }
        }

        return null;
    }

    private static string Describe(Exception exception)
    {
        var builder = new StringBuilder(exception.Message);
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (!exception.Message.Contains(inner.Message, StringComparison.Ordinal))
            {
                builder.Append(" ---> ").Append(inner.Message);
            }
        }

        return builder.ToString();
    }
}
