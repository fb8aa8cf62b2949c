using Grpc.Core;

namespace MeshClient.Xds.Transport;

/// <summary>
/// A Grpc.Net.Client duplex streaming call behind <see cref="IGrpcDuplexCall{TRequest, TResponse}"/>: messages go
/// through it as they are; a status other than OK (Pilot's, or the one Grpc.Net.Client derives from a broken
/// connection, a reset stream, an oversized message or the deadline) becomes a <see cref="GrpcCallException"/>.
/// </summary>
/// <remarks>Cancelling a read or a write cancels the whole call, as Grpc.Net.Client does.</remarks>
internal sealed class GrpcNetDuplexCall<TRequest, TResponse> : IGrpcDuplexCall<TRequest, TResponse>
    where TResponse : class
{
    private readonly AsyncDuplexStreamingCall<TRequest, TResponse> _call;
    private readonly Func<RpcException, GrpcCallException> _translate;
    private int _writesCompleted;
    private int _disposed;

    /// <param name="call">The started call.</param>
    /// <param name="translate">Turns the call's failure into the exception reported; <see cref="GrpcCallException.From"/> when <see langword="null"/>.</param>
    public GrpcNetDuplexCall(AsyncDuplexStreamingCall<TRequest, TResponse> call, Func<RpcException, GrpcCallException>? translate = null)
    {
        _call = call;
        _translate = translate ?? GrpcCallException.From;
    }

    /// <inheritdoc />
    public async Task WriteAsync(TRequest message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        try
        {
            await _call.RequestStream.WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException exception)
        {
            throw _translate(exception);
        }
    }

    /// <inheritdoc />
    /// <remarks>Does nothing after the first time, or when the call has already ended (its reader reports how).</remarks>
    public async Task CompleteWritesAsync()
    {
        if (Interlocked.Exchange(ref _writesCompleted, 1) != 0 || Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        try
        {
            await _call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (RpcException)
        {
            // The call has ended; ReadAsync reports its status.
        }
    }

    /// <inheritdoc />
    /// <exception cref="ObjectDisposedException">The call is disposed (Grpc.Net.Client's own check).</exception>
    public async ValueTask<TResponse?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false) ? _call.ResponseStream.Current : null;
        }
        catch (RpcException exception)
        {
            throw _translate(exception);
        }
    }

    /// <summary>Cancels the call unless it has ended (the stream is reset) and releases it.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _call.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
