namespace MeshClient.EndToEnd.Tests.Http;

/// <summary>
/// Added after <c>AddMeshRouting()</c>, so it runs inside the mesh handler: it sees each attempt with the endpoint
/// address the mesh chose, and records it in an <see cref="AttemptLog"/> shared by every handler the factory builds.
/// </summary>
internal sealed class AttemptRecorder(AttemptLog log) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri!;
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            log.Add(new Attempt(uri, (int)response.StatusCode, null));
            return response;
        }
        catch (Exception e)
        {
            log.Add(new Attempt(uri, null, e.GetType().Name + ": " + e.Message));
            throw;
        }
    }
}
