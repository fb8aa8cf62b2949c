using System.Collections.Concurrent;
using System.Net;

namespace MeshClient.Tests.Http;

/// <summary>
/// An inner handler that answers 200 without a network and records the URI and Host header of each request as the
/// mesh handler hands it on (for rewrites no real server can receive, such as IPv6 or sidecar names).
/// </summary>
internal sealed class RecordingHandler : HttpMessageHandler
{
    private readonly ConcurrentQueue<(Uri Uri, string? Host)> _requests = new();

    public IReadOnlyList<Uri> Uris => [.. _requests.Select(r => r.Uri)];

    public IReadOnlyList<string?> Hosts => [.. _requests.Select(r => r.Host)];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        _requests.Enqueue((request.RequestUri!, request.Headers.Host));
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Content = new StringContent("recorded") });
    }
}
