using System.Net;
using System.Net.Http.Headers;

namespace MeshClient.Xds.Transport;

/// <summary>
/// The request body of a streaming gRPC call. HttpClient calls <see cref="SerializeToStreamAsync(Stream, TransportContext?, CancellationToken)"/>
/// once the request headers are out; it hands the HTTP/2 request stream to the call (<see cref="RequestStream"/>) and keeps
/// it open until <see cref="CompleteWrites"/> (END_STREAM) or <see cref="Abort"/>.
/// </summary>
internal sealed class DuplexRequestContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DuplexRequestContent()
    {
        Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
    }

    /// <summary>The request stream; cancelled when the call was aborted before the stream was opened.</summary>
    public Task<Stream> RequestStream => _stream.Task;

    /// <summary>Ends the request body: HttpClient sends END_STREAM.</summary>
    public void CompleteWrites() => _completed.TrySetResult();

    /// <summary>Releases the serialization and any writer waiting for the stream; the call resets the stream itself.</summary>
    public void Abort()
    {
        _stream.TrySetCanceled();
        _completed.TrySetResult();
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        // SocketsHttpHandler leaves the request headers in the connection's write buffer until the body flushes (only
        // a new connection's first flush may send them anyway). A streaming call must reach the server before its first
        // message: the server may speak first, or answer at once (trailers-only).
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (!_stream.TrySetResult(stream))
        {
            if (_stream.Task.IsCanceled)
            {
                return;
            }

            throw new InvalidOperationException("The request body of a gRPC streaming call can be sent only once.");
        }

        try
        {
            await _completed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The handler stopped the body: the call was cancelled, the server reset the stream or ended the response.
            // The response side reports which; an exception from here would hide it behind a bare cancellation.
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
