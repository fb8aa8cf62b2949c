namespace MeshClient.EndToEnd.Tests.Http;

/// <summary>One attempt the mesh handler sent: the URI it chose, and the status that came back or the error.</summary>
internal sealed record Attempt(Uri Uri, int? Status, string? Error)
{
    /// <summary>The endpoint's port (each backend has its own).</summary>
    public int Port => Uri.Port;

    /// <summary>Whether a response came back and it was not a 5xx.</summary>
    public bool Succeeded => Status is < 500;
}
