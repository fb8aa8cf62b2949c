using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace MeshClient.Xds.Transport;

/// <summary>
/// One bidirectional streaming gRPC call over an HTTP/2 stream: a <see cref="DuplexRequestContent"/> carries the
/// requests, the response body the responses, and the trailers (or a trailers-only response) the status.
/// </summary>
/// <remarks>
/// Every failure is recorded once, as the call's final status, and resets the stream: cancellation (of the call's
/// token or of any read or write, since a message cut in half cannot be resumed), the deadline, a protocol error or
/// <see cref="DisposeAsync"/>. Later reads and writes report the same status.
/// </remarks>
internal sealed class HttpGrpcDuplexCall<TRequest, TResponse> : IGrpcDuplexCall<TRequest, TResponse>
    where TRequest : IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private const string GrpcContentType = "application/grpc";

    private readonly Uri _requestUri;
    private readonly MessageParser<TResponse> _parser;
    private readonly int _maxReceiveMessageSize;
    private readonly HttpRequestMessage _request;
    private readonly DuplexRequestContent _content = new();
    private readonly CancellationTokenSource _callCts = new();
    private readonly CancellationToken _callToken;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource? _deadlineCts;
    private readonly string? _deadlineExceeded;
    private readonly CancellationTokenRegistration _deadlineRegistration;
    private readonly CancellationTokenRegistration _callerRegistration;
    private readonly CancellationTokenRegistration _transportRegistration;
    private readonly Task<HttpResponseMessage?> _sendTask;

    private GrpcCallException? _failure;
    private HttpResponseMessage? _response;
    private Stream? _responseStream;
    private volatile bool _completedOk;
    private bool _writesCompleted;
    private int _reading;
    private int _disposed;

    /// <summary>Starts the call: the request headers are sent at once.</summary>
    internal HttpGrpcDuplexCall(
        HttpMessageInvoker invoker,
        Uri requestUri,
        string userAgent,
        MessageParser<TResponse> parser,
        GrpcTransportOptions options,
        CancellationToken transportDisposed,
        CancellationToken cancellationToken)
    {
        _requestUri = requestUri;
        _parser = parser;
        _callToken = _callCts.Token;
        _maxReceiveMessageSize = options.MaxReceiveMessageSize;

        _request = new HttpRequestMessage(HttpMethod.Post, requestUri)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = _content,
        };
        _request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        _request.Headers.TryAddWithoutValidation("user-agent", userAgent);

        if (options.Deadline is { } deadline)
        {
            _request.Headers.TryAddWithoutValidation(GrpcTimeoutHeader.Name, GrpcTimeoutHeader.Format(deadline));
            _deadlineExceeded = string.Create(
                CultureInfo.InvariantCulture, $"The call to {requestUri} passed its deadline of {deadline.TotalSeconds:0.###} s.");
            _deadlineCts = new CancellationTokenSource(deadline, options.TimeProvider);
            _deadlineRegistration = _deadlineCts.Token.UnsafeRegister(
                static state =>
                {
                    var call = (HttpGrpcDuplexCall<TRequest, TResponse>)state!;
                    call.Fail(new GrpcCallException(GrpcStatusCode.DeadlineExceeded, call._deadlineExceeded));
                },
                this);
        }

        _callerRegistration = RegisterCaller(cancellationToken);
        _transportRegistration = transportDisposed.UnsafeRegister(
            static state => ((HttpGrpcDuplexCall<TRequest, TResponse>)state!).Fail(
                new GrpcCallException(GrpcStatusCode.Cancelled, "The transport was disposed.")),
            this);
        _sendTask = SendAsync(invoker);
    }

    /// <inheritdoc />
    public async Task WriteAsync(TRequest message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        using var registration = RegisterCaller(cancellationToken);
        try
        {
            await _writeLock.WaitAsync(_callToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException exception)
        {
            throw FailureOr(exception);
        }

        try
        {
            ThrowIfCannotWrite();
            await WriteCoreAsync(message).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>Waits for a write in progress. Does nothing when the call has already ended or writes were completed.</remarks>
    public async Task CompleteWritesAsync()
    {
        try
        {
            await _writeLock.WaitAsync(_callToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            _writesCompleted = true;
            _content.CompleteWrites();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc />
    /// <remarks>Reads must not overlap. Cancelling <paramref name="cancellationToken"/> cancels the whole call.</remarks>
    public async ValueTask<TResponse?> ReadAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _reading, 1) != 0)
        {
            throw new InvalidOperationException("Another read of this call is in progress; reads must not overlap.");
        }

        try
        {
            using var registration = RegisterCaller(cancellationToken);
            return await ReadCoreAsync().ConfigureAwait(false);
        }
        catch (GrpcCallException exception)
        {
            throw Fail(exception);
        }
        catch (Exception exception)
        {
            // Cancellation, a reset stream, a broken connection, an unparsable message, or the response disposed
            // under the read by a failure recorded meanwhile (then that failure wins).
            throw Fail(GrpcStatusMapping.FromException(exception, _requestUri));
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
    }

    /// <summary>Resets the stream unless the call has ended with OK, and releases the call's resources.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (!_completedOk)
        {
            Fail(new GrpcCallException(GrpcStatusCode.Cancelled, "The call was disposed before it ended."));
        }

        _content.Abort();
        await _sendTask.ConfigureAwait(false);
        Volatile.Read(ref _response)?.Dispose();
        await _callerRegistration.DisposeAsync().ConfigureAwait(false);
        await _transportRegistration.DisposeAsync().ConfigureAwait(false);
        await _deadlineRegistration.DisposeAsync().ConfigureAwait(false);
        _deadlineCts?.Dispose();
        _request.Dispose();
        _callCts.Dispose();
    }

    private async Task<HttpResponseMessage?> SendAsync(HttpMessageInvoker invoker)
    {
        try
        {
            var response = await invoker.SendAsync(_request, _callToken).ConfigureAwait(false);
            Volatile.Write(ref _response, response);
            if (Volatile.Read(ref _failure) is not null)
            {
                response.Dispose();
                return null;
            }

            return response;
        }
        catch (Exception exception)
        {
            Fail(GrpcStatusMapping.FromException(exception, _requestUri));
            return null;
        }
    }

    private async Task WriteCoreAsync(TRequest message)
    {
        try
        {
            var stream = await _content.RequestStream.WaitAsync(_callToken).ConfigureAwait(false);
            await GrpcMessageFraming.WriteMessageAsync(stream, message, _callToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // The reader learns the call's real end (it may be a status the server sent); a failed write does not
            // decide it, unless the call has already failed.
            throw FailureOr(exception);
        }
    }

    private async ValueTask<TResponse?> ReadCoreAsync()
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            throw failure;
        }

        if (_completedOk)
        {
            return null;
        }

        var stream = _responseStream ?? await OpenResponseStreamAsync().ConfigureAwait(false);
        if (stream is null)
        {
            return null;
        }

        var message = await GrpcMessageFraming.ReadMessageAsync(stream, _parser, _maxReceiveMessageSize, _callToken).ConfigureAwait(false);
        if (message is not null)
        {
            return message;
        }

        // End of the response body: the status is in the trailers.
        if (!GrpcStatusMapping.TryReadStatus(Volatile.Read(ref _response)!.TrailingHeaders, out var status))
        {
            throw new GrpcCallException(GrpcStatusCode.Internal, $"The response from {_requestUri} ended without a grpc-status trailer.");
        }

        End(status);
        return null;
    }

    /// <returns>The response body, or <see langword="null"/> when a trailers-only response ended the call with OK.</returns>
    private async ValueTask<Stream?> OpenResponseStreamAsync()
    {
        var response = await _sendTask.ConfigureAwait(false);
        if (response is null)
        {
            throw Volatile.Read(ref _failure) ?? new GrpcCallException(GrpcStatusCode.Internal, "The call failed without a recorded cause.");
        }

        // grpc-status among the headers: a trailers-only response, whatever its HTTP status.
        if (GrpcStatusMapping.TryReadStatus(response.Headers, out var status))
        {
            End(status);
            return null;
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new GrpcCallException(
                GrpcStatusMapping.FromHttpStatus(response.StatusCode),
                $"Bad gRPC response from {_requestUri}: HTTP status {(int)response.StatusCode} ({response.ReasonPhrase}) without grpc-status.");
        }

        var contentType = response.Content.Headers.ContentType?.MediaType;
        if (contentType is null || !contentType.StartsWith(GrpcContentType, StringComparison.OrdinalIgnoreCase))
        {
            throw new GrpcCallException(
                GrpcStatusCode.Internal,
                $"Bad gRPC response from {_requestUri}: content-type '{contentType}' is not {GrpcContentType}.");
        }

        _responseStream = await response.Content.ReadAsStreamAsync(_callToken).ConfigureAwait(false);
        return _responseStream;
    }

    /// <summary>Ends the call with the server's status: records OK, or throws the error status.</summary>
    private void End(GrpcStatus status)
    {
        if (status.Code != GrpcStatusCode.OK)
        {
            throw status.ToException();
        }

        _completedOk = true;
        _content.CompleteWrites();
    }

    /// <summary>Records the call's final failure (the first one wins) and resets the stream.</summary>
    /// <returns>The failure that ended the call.</returns>
    private GrpcCallException Fail(GrpcCallException failure)
    {
        var winner = Interlocked.CompareExchange(ref _failure, failure, null);
        if (winner is not null)
        {
            return winner;
        }

        try
        {
            // Cancels SendAsync and the body: SocketsHttpHandler sends RST_STREAM(CANCEL).
            _callCts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Disposed: the call is over.
        }

        _content.Abort();

        // Disposing a response whose body has not ended also resets the stream.
        Volatile.Read(ref _response)?.Dispose();
        return failure;
    }

    private GrpcCallException FailureOr(Exception exception) =>
        Volatile.Read(ref _failure) ?? GrpcStatusMapping.FromException(exception, _requestUri);

    private void ThrowIfCannotWrite()
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            throw failure;
        }

        if (_writesCompleted)
        {
            throw new InvalidOperationException("Writes were completed; no more messages can be sent on this call.");
        }

        if (_completedOk)
        {
            throw new InvalidOperationException("The server has ended the call with OK; no more messages can be sent.");
        }
    }

    private CancellationTokenRegistration RegisterCaller(CancellationToken cancellationToken) =>
        cancellationToken.UnsafeRegister(
            static (state, token) => ((HttpGrpcDuplexCall<TRequest, TResponse>)state!).Fail(
                new GrpcCallException(GrpcStatusCode.Cancelled, "The call was cancelled.", new OperationCanceledException(token))),
            this);
}
