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

    /// <summary>
    /// Reads the first value of each of <paramref name="names"/> into the slot of its index, in one pass over the
    /// stored headers: the request's few headers are enumerated once and their names compared with the wanted ones
    /// (ordinal, ignoring case, as <see cref="TryGetValue"/> finds them), instead of one name parse and store scan per
    /// wanted name. A header stored without any value counts as absent, as in <see cref="TryGetValue"/>.
    /// </summary>
    /// <param name="snapshot">Receives the values.</param>
    /// <param name="names">The wanted names, at most <see cref="HeaderSnapshot.Capacity"/>.</param>
    internal void ReadInto(ref HeaderSnapshot snapshot, string[] names)
    {
        if (_headers is null)
        {
            return;
        }

        var all = (1 << names.Length) - 1;
        foreach (var header in _headers.NonValidated)
        {
            var key = header.Key;
            for (var i = 0; i < names.Length; i++)
            {
                var name = names[i];
                if (name.Length == key.Length && !snapshot.Has(i) && key.Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    foreach (var first in header.Value)
                    {
                        snapshot.Set(i, first);
                        break;
                    }

                    // The wanted names differ ignoring case: no other one is this header's.
                    break;
                }
            }

            if (snapshot.Found == all)
            {
                return;
            }
        }
    }
}
