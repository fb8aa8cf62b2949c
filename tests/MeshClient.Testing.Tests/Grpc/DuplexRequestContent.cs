using System.Net;

namespace MeshClient.Testing.Tests.Grpc;

/// <summary>
/// A request body that stays open: the test writes gRPC messages to it while reading responses, and completes it to
/// half-close the call.
/// </summary>
internal sealed class DuplexRequestContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DuplexRequestContent()
    {
        Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
    }

    /// <summary>The request stream, once HttpClient started sending the body.</summary>
    public Task<Stream> RequestStream => _stream.Task;

    /// <summary>Ends the request body (END_STREAM).</summary>
    public void Complete() => _complete.TrySetResult();

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        // HttpClient holds back the HEADERS frame of a request with content until body data is flushed; flush now so
        // the call starts even before the first message (and a server that answers at once can answer).
        await stream.FlushAsync(cancellationToken);
        _stream.TrySetResult(stream);
        await _complete.Task.WaitAsync(cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
