namespace MeshClient.Xds.Transport;

/// <summary>
/// The Kubernetes service-account token Pilot asks for (istiod on port 15012), read from its file at the start of
/// every stream: the kubelet rewrites the file as the token rotates (about hourly), and a stream's headers carry the
/// token that was current when it opened. The token never appears in a message: errors name the file only.
/// </summary>
internal sealed class BearerTokenFile
{
    private volatile string? _lastToken;

    /// <param name="path">The token file.</param>
    public BearerTokenFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
    }

    /// <summary>The token file.</summary>
    public string Path { get; }

    /// <summary>Reads the token now (surrounding white space removed).</summary>
    /// <exception cref="IOException">The file cannot be read or holds no token; the message names the file and why, never its content.</exception>
    public string Read()
    {
        string text;
        try
        {
            text = File.ReadAllText(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot read the token file '{Path}': {e.GetType().Name} ({Reason(e)})");
        }

        var token = text.Trim();
        if (token.Length == 0)
        {
            throw new IOException($"the token file '{Path}' is empty");
        }

        if (token.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new IOException($"the token file '{Path}' holds more than one line; it must hold the token only");
        }

        _lastToken = token;
        return token;
    }

    /// <summary>Replaces the token last read wherever it appears in <paramref name="text"/>.</summary>
    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _lastToken is { } token && text.Contains(token, StringComparison.Ordinal)
            ? text.Replace(token, "[token]", StringComparison.Ordinal)
            : text;
    }

    /// <summary>Whether <paramref name="text"/> holds the token last read.</summary>
    public bool Reveals(string? text) => text is not null && _lastToken is { } token && text.Contains(token, StringComparison.Ordinal);

    private static string Reason(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "it does not exist",
        UnauthorizedAccessException => "access denied",
        _ => "I/O error",
    };
}
