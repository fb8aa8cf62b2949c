using Grpc.Core;

namespace MeshClient.Xds.Transport;

/// <summary>A gRPC call ended with a status other than OK, or the transport under it failed.</summary>
internal sealed class GrpcCallException : Exception
{
    public GrpcCallException(StatusCode statusCode, string? detail, Exception? innerException = null, string? hint = null)
        : base($"gRPC call failed: {statusCode} ({(int)statusCode}){(string.IsNullOrEmpty(detail) ? string.Empty : ": " + detail)}{(string.IsNullOrEmpty(hint) ? string.Empty : "; " + hint)}", innerException)
    {
        StatusCode = statusCode;
        Detail = detail ?? string.Empty;
        Hint = hint ?? string.Empty;
    }

    /// <summary>The call's status.</summary>
    public StatusCode StatusCode { get; }

    /// <summary>The status message (grpc-message, decoded), or empty.</summary>
    public string Detail { get; }

    /// <summary>What the client adds to the status (such as "no token was sent"), or empty.</summary>
    public string Hint { get; }

    /// <summary>The status Grpc.Net.Client reports (the server's status, or the one it derived from a transport failure).</summary>
    public static GrpcCallException From(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return new GrpcCallException(exception.StatusCode, exception.Status.Detail, exception);
    }
}
