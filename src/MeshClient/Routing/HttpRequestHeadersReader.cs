using System.Net.Http.Headers;

namespace MeshClient.Routing;

/// <summary>
/// Reads the headers of an <see cref="HttpRequestMessage"/> through <see cref="HttpHeaders.NonValidated"/>, which
/// returns the stored strings without parsing or allocating.
/// </summary>
internal readonly struct HttpRequestHeadersReader : IRouteHeaders
{
    private readonly HttpRequestHeaders? _headers;

    /// <summary>Wraps the headers of a request.</summary>
    /// <param name="headers">The request's headers.</param>
    public HttpRequestHeadersReader(HttpRequestHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        _headers = headers;
    }

    /// <inheritdoc />
    public bool TryGetValue(string name, out ReadOnlySpan<char> value)
    {
        if (_headers is not null && _headers.NonValidated.TryGetValues(name, out var values))
        {
            foreach (var first in values)
            {
                value = first;
                return true;
            }
        }

        value = default;
        return false;
    }
}
