using Google.Protobuf;

namespace MeshClient.Xds.Transport;

/// <summary>
/// The one seam between MeshClient and a gRPC implementation. The built-in implementation speaks gRPC over HTTP/2
/// with HttpClient; a Grpc.Net.Client-based one could replace it without changes elsewhere.
/// </summary>
internal interface IGrpcTransport : IAsyncDisposable
{
    /// <summary>Starts a bidirectional streaming call.</summary>
    /// <param name="methodPath">The method path, such as <c>/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources</c>.</param>
    /// <param name="responseParser">Parses response messages.</param>
    /// <param name="cancellationToken">Cancels the call; the stream is reset.</param>
    /// <returns>The call. Headers are sent when the call starts; the first read or write reports a failure to connect.</returns>
    IGrpcDuplexCall<TRequest, TResponse> StartDuplexStreaming<TRequest, TResponse>(
        string methodPath,
        MessageParser<TResponse> responseParser,
        CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>;
}
