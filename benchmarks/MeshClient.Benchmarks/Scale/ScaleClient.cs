using MeshClient.Registry;
using MeshClient.Xds;
using MeshClient.Xds.Protocol;
using MeshClient.Xds.Protos.Discovery;
using MeshClient.Xds.Transport;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshClient.Benchmarks.Scale;

/// <summary>
/// The real ADS client's response path (decode, validate, apply to the cache, publish the snapshot, ACK) driven in
/// memory: encoded DiscoveryResponses are parsed and handed to the client's handler on the calling thread; the ACKs go
/// to a call that only counts them. No thread hop, so the figures are the client's own work.
/// </summary>
internal sealed class ScaleClient
{
    private readonly AdsClient _client;
    private readonly AdsStreamContext _stream;

    public ScaleClient()
    {
        Registry = new MeshRegistry();
        var options = new XdsClientOptions { PodName = "bench-0", PodNamespace = "default", InstanceIp = "10.255.0.1" };
        _client = new AdsClient(new UnusedTransport(), options, Registry, TimeProvider.System, NullLogger<AdsClient>.Instance);
        _stream = new AdsStreamContext(new CountingCall());
    }

    public MeshRegistry Registry { get; }

    /// <summary>Parses and applies one encoded response.</summary>
    public void Apply(byte[] encoded) =>
        _client.HandleResponseAsync(_stream, DiscoveryResponse.Parser.ParseFrom(encoded), CancellationToken.None).GetAwaiter().GetResult();

    private sealed class CountingCall : IGrpcDuplexCall<DiscoveryRequest, DiscoveryResponse>
    {
        public int Written { get; private set; }

        public Task WriteAsync(DiscoveryRequest message, CancellationToken cancellationToken)
        {
            Written++;
            return Task.CompletedTask;
        }

        public Task CompleteWritesAsync() => Task.CompletedTask;

        public ValueTask<DiscoveryResponse?> ReadAsync(CancellationToken cancellationToken) => ValueTask.FromResult<DiscoveryResponse?>(null);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class UnusedTransport : IGrpcTransport
    {
        public IGrpcDuplexCall<TRequest, TResponse> StartDuplexStreaming<TRequest, TResponse>(string methodPath, MessageParser<TResponse> responseParser, CancellationToken cancellationToken)
            where TRequest : IMessage<TRequest>
            where TResponse : class, IMessage<TResponse> =>
            throw new NotSupportedException("The benchmark drives the response path directly.");

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
