namespace MeshClient.Xds.Transport;

/// <summary>A gRPC call ended with a status other than OK, or the transport under it failed.</summary>
internal sealed class GrpcCallException : Exception
{
    public GrpcCallException(GrpcStatusCode statusCode, string? detail, Exception? innerException = null)
        : base($"gRPC call failed: {statusCode} ({(int)statusCode}){(string.IsNullOrEmpty(detail) ? string.Empty : ": " + detail)}", innerException)
    {
        StatusCode = statusCode;
        Detail = detail ?? string.Empty;
    }

    /// <summary>The call's status.</summary>
    public GrpcStatusCode StatusCode { get; }

    /// <summary>The status message (grpc-message, percent-decoded), or empty.</summary>
    public string Detail { get; }
}
