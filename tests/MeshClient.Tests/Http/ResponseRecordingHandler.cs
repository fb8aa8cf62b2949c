using System.Collections.Concurrent;

namespace MeshClient.Tests.Http;

/// <summary>Passes requests on to a real handler and keeps every response it returns, to check what became of them.</summary>
internal sealed class ResponseRecordingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly ConcurrentQueue<HttpResponseMessage> _responses = new();

    public IReadOnlyList<HttpResponseMessage> Responses => [.. _responses];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        _responses.Enqueue(response);
        return response;
    }
}
