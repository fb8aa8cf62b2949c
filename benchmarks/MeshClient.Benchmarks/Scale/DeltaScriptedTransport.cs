using System.Threading.Channels;
using Google.Protobuf;
using MeshClient.Xds.Transport;

namespace MeshClient.Benchmarks.Scale;

/// <summary>
/// An in-process transport for the client-side benchmarks: each call reads the encoded responses the benchmark queues
/// (parsed on read, as Grpc.Net.Client does) and drops the requests (ACKs, subscriptions). No network, no server: the
/// time measured is the client's.
/// </summary>
internal sealed class DeltaScriptedTransport : IGrpcTransport
{
    private readonly Channel<byte[]> _responses = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>The number of requests the client wrote.</summary>
    public int RequestCount => Volatile.Read(ref _requestCount);

    private int _requestCount;

    /// <summary>Queues one encoded response message for the open call.</summary>
    public void Send(byte[] message) => _responses.Writer.TryWrite(message);

    public IGrpcDuplexCall<TRequest, TResponse> StartDuplexStreaming<TRequest, TResponse>(string methodPath, MessageParser<TResponse> responseParser, CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        new Call<TRequest, TResponse>(this, responseParser);

    public ValueTask DisposeAsync()
    {
        _responses.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    private sealed class Call<TRequest, TResponse>(DeltaScriptedTransport transport, MessageParser<TResponse> parser) : IGrpcDuplexCall<TRequest, TResponse>
        where TResponse : class, IMessage<TResponse>
    {
        public Task WriteAsync(TRequest message, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref transport._requestCount);
            return Task.CompletedTask;
        }

        public Task CompleteWritesAsync() => Task.CompletedTask;

        public async ValueTask<TResponse?> ReadAsync(CancellationToken cancellationToken)
        {
            if (!await transport._responses.Reader.WaitToReadAsync(cancellationToken))
            {
                return null;
            }

            return transport._responses.Reader.TryRead(out var bytes) ? parser.ParseFrom(bytes) : null;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
