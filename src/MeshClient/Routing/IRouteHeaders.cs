namespace MeshClient.Routing;

/// <summary>
/// Gives the router the request headers its rules test, without allocating. Implement it on a struct over the
/// headers your transport already has (see <see cref="HttpRequestHeadersReader"/>).
/// </summary>
public interface IRouteHeaders
{
    /// <summary>Reads the first value of a header.</summary>
    /// <param name="name">The header name; look it up case-insensitively.</param>
    /// <param name="value">The header's first value.</param>
    /// <returns><see langword="true"/> when the request has the header.</returns>
    bool TryGetValue(string name, out ReadOnlySpan<char> value);
}
