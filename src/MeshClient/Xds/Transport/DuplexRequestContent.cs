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
        // SocketsHttpHandler has flushed the request headers before calling here, so the server sees the call before
        // its first message (tested: Request_headers_reach_the_server_before_the_first_write).
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
            _stream.TrySetCanceled(cancellationToken);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
