using System.Threading.Channels;
using MeshClient.Xds.Protos.Discovery;
using MeshClient.Xds.Transport;

namespace MeshClient.Tests.Xds.Protocol.Fakes;

/// <summary>
/// One in-memory ADS call. The client side is the <see cref="IGrpcDuplexCall{TRequest, TResponse}"/> members; the
/// test plays Pilot with <see cref="Send"/>, <see cref="Fail"/>, <see cref="End"/> and <see cref="NextRequestAsync"/>.
/// </summary>
internal sealed class FakeAdsCall : IGrpcDuplexCall<DiscoveryRequest, DiscoveryResponse>
{
    private readonly Channel<DiscoveryRequest> _requests = Channel.CreateUnbounded<DiscoveryRequest>();
    private readonly Channel<(DiscoveryResponse? Response, Exception? Error)> _responses = Channel.CreateUnbounded<(DiscoveryResponse?, Exception?)>();
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Exception? _connectFailure;
    private readonly CancellationToken _callToken;
    private Exception? _failure;
    private Exception? _writeFailure;

    public FakeAdsCall(string methodPath, Exception? connectFailure, CancellationToken callToken)
    {
        MethodPath = methodPath;
        _connectFailure = connectFailure;
        _callToken = callToken;
    }

    /// <summary>The method path the client called.</summary>
    public string MethodPath { get; }

    /// <summary>Completes when the client disposed the call.</summary>
    public Task Disposed => _disposed.Task;

    public static FakeAdsCall NeverStarted(string methodPath, Exception error)
    {
        var call = new FakeAdsCall(methodPath, error, CancellationToken.None);
        call._disposed.TrySetResult();
        return call;
    }

    // ---- client side ----
    public Task WriteAsync(DiscoveryRequest message, CancellationToken cancellationToken)
    {
        if (_connectFailure is not null)
        {
            return Task.FromException(_connectFailure);
        }

        if (Volatile.Read(ref _writeFailure) is { } writeFailure)
        {
            return Task.FromException(writeFailure);
        }

        if (Volatile.Read(ref _failure) is { } failure)
        {
            return Task.FromException(failure);
        }

        if (cancellationToken.IsCancellationRequested || _callToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken.IsCancellationRequested ? cancellationToken : _callToken);
        }

        _requests.Writer.TryWrite(message.Clone());
        return Task.CompletedTask;
    }

    public Task CompleteWritesAsync()
    {
        _requests.Writer.TryComplete();
        return Task.CompletedTask;
    }

    public async ValueTask<DiscoveryResponse?> ReadAsync(CancellationToken cancellationToken)
    {
        if (_connectFailure is not null)
        {
            throw _connectFailure;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _callToken);
        var (response, error) = await _responses.Reader.ReadAsync(linked.Token);
        if (error is not null)
        {
            throw error;
        }

        return response;
    }

    public ValueTask DisposeAsync()
    {
        _requests.Writer.TryComplete();
        _disposed.TrySetResult();
        return ValueTask.CompletedTask;
    }

    // ---- Pilot side ----

    /// <summary>Sends a response to the client.</summary>
    public void Send(DiscoveryResponse response) => _responses.Writer.TryWrite((response, null));

    /// <summary>Fails the call: the client's next read and write throw <paramref name="error"/>.</summary>
    public void Fail(Exception error)
    {
        Volatile.Write(ref _failure, error);
        _responses.Writer.TryWrite((null, error));
    }

    /// <summary>
    /// Makes the client's writes throw <paramref name="error"/> (even after <see cref="Fail"/>) while reads go on, as
    /// HttpClient stops the request body of a call whose response has ended before the client has read the end.
    /// </summary>
    public void FailWrites(Exception error) => Volatile.Write(ref _writeFailure, error);

    /// <summary>Ends the call with status OK: the client's next read returns null.</summary>
    public void End() => _responses.Writer.TryWrite((null, null));

    /// <summary>Waits (bounded) for the client's next request.</summary>
    public async Task<DiscoveryRequest> NextRequestAsync() =>
        await _requests.Reader.ReadAsync().AsTask().WaitAsync(FakeGrpcTransport.Bound);

    /// <summary>Takes a request the client has already sent, if any.</summary>
    public bool TryTakeRequest(out DiscoveryRequest? request) => _requests.Reader.TryRead(out request);
}
