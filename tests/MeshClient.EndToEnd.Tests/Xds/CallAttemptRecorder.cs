namespace MeshClient.EndToEnd.Tests.Xds;

/// <summary>
/// Added after <c>AddMeshRouting()</c>, so it runs inside the mesh handler once per attempt: it adds the port of the
/// endpoint the mesh chose to the <see cref="CallAttempts.Current"/> of the call.
/// </summary>
internal sealed class CallAttemptRecorder : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        CallAttempts.Current?.Add(request.RequestUri!.Port);
        return base.SendAsync(request, cancellationToken);
    }
}
