namespace MeshClient.Xds.Transport;

/// <summary>The status a call ended with: its code and its (decoded) message.</summary>
/// <param name="Code">The status code.</param>
/// <param name="Detail">The status message, or empty.</param>
internal readonly record struct GrpcStatus(GrpcStatusCode Code, string Detail)
{
    /// <summary>The exception that reports this status to the caller.</summary>
    public GrpcCallException ToException() => new(Code, Detail);
}
