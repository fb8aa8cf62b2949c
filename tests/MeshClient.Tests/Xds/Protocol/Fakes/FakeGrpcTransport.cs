using System.Collections.Concurrent;
using System.Threading.Channels;
using Google.Protobuf;
using MeshClient.Xds.Protos.Discovery;
using MeshClient.Xds.Transport;

namespace MeshClient.Tests.Xds.Protocol.Fakes;

/// <summary>
/// An in-memory <see cref="IGrpcTransport"/>: each started call is handed to the test (<see cref="NextCallAsync"/>),
/// which plays Pilot on it. Connection failures can be queued.
/// </summary>
internal sealed class FakeGrpcTransport : IGrpcTransport
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly Channel<FakeAdsCall> _calls = Channel.CreateUnbounded<FakeAdsCall>();
    private readonly ConcurrentQueue<Exception> _connectFailures = new();
    private readonly ConcurrentQueue<Exception> _startFailures = new();
    private int _callCount;

    /// <summary>How many calls were started.</summary>
    public int CallCount => Volatile.Read(ref _callCount);

    /// <summary>The next call fails at its first read and write, as a transport reports a refused connection.</summary>
    public void FailNextConnection(Exception error) => _connectFailures.Enqueue(error);

    /// <summary>The next StartDuplexStreaming throws synchronously.</summary>
    public void ThrowOnNextStart(Exception error) => _startFailures.Enqueue(error);

    public IGrpcDuplexCall<TRequest, TResponse> StartDuplexStreaming<TRequest, TResponse>(
        string methodPath,
        MessageParser<TResponse> responseParser,
        CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        if (typeof(TRequest) != typeof(DiscoveryRequest) || typeof(TResponse) != typeof(DiscoveryResponse))
        {
            throw new NotSupportedException("The fake transport speaks ADS only.");
        }

        Interlocked.Increment(ref _callCount);
        if (_startFailures.TryDequeue(out var startFailure))
        {
            _calls.Writer.TryWrite(FakeAdsCall.NeverStarted(methodPath, startFailure));
            throw startFailure;
        }

        _connectFailures.TryDequeue(out var connectFailure);
        var call = new FakeAdsCall(methodPath, connectFailure, cancellationToken);
        _calls.Writer.TryWrite(call);
        return (IGrpcDuplexCall<TRequest, TResponse>)(object)call;
    }

    /// <summary>Waits (bounded) for the client to start its next call.</summary>
    public async Task<FakeAdsCall> NextCallAsync() => await _calls.Reader.ReadAsync().AsTask().WaitAsync(Bound);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
