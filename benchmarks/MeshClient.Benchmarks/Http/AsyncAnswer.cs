namespace MeshClient.Benchmarks.Http;

/// <summary>
/// An inner handler that completes asynchronously, as a socket does, with a new response of a small buffered body
/// (a handler may wrap a response's content, so responses are not shared), after reading what SocketsHttpHandler reads
/// from every request: the Host header, and the URI's host and path for the connection pool key and the request line.
/// </summary>
internal sealed class AsyncAnswer : HttpMessageHandler
{
    private static readonly byte[] Body = "{}"u8.ToArray();

    public int Touched { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        Touched += (request.Headers.Host?.Length ?? 0) + uri.IdnHost.Length + uri.PathAndQuery.Length;
        await Task.Yield();
        return new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new ByteArrayContent(Body), RequestMessage = request };
    }
}
