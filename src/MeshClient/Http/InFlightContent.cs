using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using MeshClient.LoadBalancing;

namespace MeshClient.Http;

/// <summary>
/// Wraps a response's content so its call counts as in flight (least request) until the content has been read to
/// the end, or the content, its stream or the response is disposed: a <c>ResponseHeadersRead</c> download or a gRPC
/// server stream is in flight for its whole life, not just until its headers.
/// </summary>
internal sealed class InFlightContent : HttpContent
{
    /// <summary>1 while the inner content's headers object can be shared (see <see cref="TryShareHeaders"/>), 0 once the field was not found.</summary>
    private static int s_canShareHeaders = 1;

    private readonly HttpContent _inner;
    private readonly EndpointCall _call;
    private int _released;

    public InFlightContent(HttpContent inner, EndpointCall call)
    {
        _inner = inner;
        _call = call;
        if (!TryShareHeaders(inner))
        {
            // The stored strings, neither parsed nor copied (validated enumeration would parse each value).
            foreach (var header in inner.Headers.NonValidated)
            {
                foreach (var value in header.Value)
                {
                    Headers.TryAddWithoutValidation(header.Key, value);
                }
            }
        }
    }

    /// <summary>
    /// Whether a response has no content to wait for, so its call need not stay in flight past the headers: the
    /// answer to a HEAD request, or a 1xx, 204 or 304 (RFC 9110: no content).
    /// </summary>
    public static bool HasNoBody(HttpRequestMessage request, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        return request.Method == HttpMethod.Head
            || status < 200
            || status is (int)HttpStatusCode.NoContent or (int)HttpStatusCode.NotModified;
    }

    /// <summary>Ends the call's in-flight count; only the first call counts.</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            _call.Release();
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        Task copy;
        try
        {
            copy = _inner.CopyToAsync(stream, cancellationToken);
        }
        catch
        {
            Release();
            throw;
        }

        // A small body is often in the connection's buffer already: the copy is done, no continuation is needed.
        if (copy.IsCompleted)
        {
            Release();
            return copy;
        }

        return ReleaseAfterAsync(copy);
    }

    private async Task ReleaseAfterAsync(Task copy)
    {
        try
        {
            await copy.ConfigureAwait(false);
        }
        finally
        {
            Release();
        }
    }

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        try
        {
            _inner.CopyTo(stream, context, cancellationToken);
        }
        finally
        {
            Release();
        }
    }

    protected override async Task<Stream> CreateContentReadStreamAsync() =>
        new InFlightStream(await _inner.ReadAsStreamAsync().ConfigureAwait(false), this);

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new InFlightStream(await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), this);

    protected override Stream CreateContentReadStream(CancellationToken cancellationToken) =>
        new InFlightStream(_inner.ReadAsStream(cancellationToken), this);

    protected override bool TryComputeLength(out long length)
    {
        length = _inner.Headers.ContentLength ?? -1;
        return length >= 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Release();
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// The field behind <see cref="HttpContent.Headers"/> (created on first use). The wrapper's headers are the inner
    /// content's: the same object, so a response's content headers are neither copied nor parsed again. HttpContent
    /// offers no public way to share them; when a runtime lacks the field, the headers are copied instead.
    /// </summary>
    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_headers")]
    private static extern ref HttpContentHeaders? HeadersField(HttpContent content);

    private bool TryShareHeaders(HttpContent inner)
    {
        if (Volatile.Read(ref s_canShareHeaders) == 0)
        {
            return false;
        }

        try
        {
            HeadersField(this) = inner.Headers;
            return true;
        }
        catch (MissingFieldException)
        {
            Volatile.Write(ref s_canShareHeaders, 0);
            return false;
        }
    }
}
