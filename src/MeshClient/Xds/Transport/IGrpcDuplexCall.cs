namespace MeshClient.Xds.Transport;

/// <summary>A running bidirectional streaming gRPC call. Disposing it cancels the call (resets the stream) if it has not ended.</summary>
/// <typeparam name="TRequest">The request message type.</typeparam>
/// <typeparam name="TResponse">The response message type.</typeparam>
internal interface IGrpcDuplexCall<in TRequest, TResponse> : IAsyncDisposable
    where TResponse : class
{
    /// <summary>Sends one message. Writes must not overlap.</summary>
    /// <exception cref="GrpcCallException">The call has failed.</exception>
    Task WriteAsync(TRequest message, CancellationToken cancellationToken);

    /// <summary>Half-closes the request stream.</summary>
    Task CompleteWritesAsync();

    /// <summary>Reads the next response message.</summary>
    /// <returns>The message, or <see langword="null"/> when the server ended the call with status OK.</returns>
    /// <exception cref="GrpcCallException">The call ended with another status, or the transport failed.</exception>
    ValueTask<TResponse?> ReadAsync(CancellationToken cancellationToken);
}
