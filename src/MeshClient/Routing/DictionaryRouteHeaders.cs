namespace MeshClient.Routing;

/// <summary>Headers held in a dictionary, for tools and tests. Names are looked up as the dictionary compares them.</summary>
internal readonly struct DictionaryRouteHeaders : IRouteHeaders
{
    private readonly IReadOnlyDictionary<string, string>? _headers;

    /// <summary>Wraps a dictionary of header values; give it a case-insensitive comparer.</summary>
    /// <param name="headers">The headers.</param>
    public DictionaryRouteHeaders(IReadOnlyDictionary<string, string> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        _headers = headers;
    }

    /// <inheritdoc />
    public bool TryGetValue(string name, out ReadOnlySpan<char> value)
    {
        if (_headers is not null && _headers.TryGetValue(name, out var text))
        {
            value = text;
            return true;
        }

        value = default;
        return false;
    }
}
