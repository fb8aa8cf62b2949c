using Google.Protobuf;

namespace MeshClient.Xds.Transport;

/// <summary>
/// The one seam between the ADS protocol and gRPC. The built-in implementation, <see cref="HttpGrpcTransport"/>, runs
/// the generated ADS clients on Grpc.Net.Client; tests replace it with an in-memory fake.
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
