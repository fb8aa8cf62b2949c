namespace MeshClient.Resilience;

/// <summary>What kind of call a request is, for the retry rules.</summary>
internal enum CallKind
{
    /// <summary>A plain HTTP request.</summary>
    Http,

    /// <summary>A gRPC call with one request message (unary or server streaming): replayable before any response message.</summary>
    GrpcUnary,

    /// <summary>A client or bidirectional streaming gRPC call: never retried.</summary>
    GrpcStreaming,
}
