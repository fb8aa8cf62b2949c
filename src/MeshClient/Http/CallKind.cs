namespace MeshClient.Http;

/// <summary>What kind of call a request is, for the retry rules.</summary>
internal enum CallKind
{
    /// <summary>A plain HTTP request.</summary>
    Http,

    /// <summary>A unary gRPC call: one request message, replayable.</summary>
    GrpcUnary,

    /// <summary>A streaming gRPC call: never retried.</summary>
    GrpcStreaming,
}
