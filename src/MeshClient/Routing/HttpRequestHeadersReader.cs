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
    /// Gives <paramref name="sink"/> the first value of each of <paramref name="names"/> under the slot of its index, in
    /// one pass over the stored headers: the request's few headers are enumerated once and their names compared with
    /// the wanted ones (ordinal, ignoring case, as <see cref="TryGetValue"/> finds them), instead of one name parse and
    /// store scan per wanted name. A header stored without any value counts as absent, as in <see cref="TryGetValue"/>.
    /// </summary>
    /// <typeparam name="TSink">The receiver.</typeparam>
    /// <param name="names">The wanted names (distinct ignoring case), at most <see cref="HeaderSnapshot.Capacity"/>.</param>
    /// <param name="sink">Receives the values.</param>
    internal void ReadInto<TSink>(string[] names, ref TSink sink)
        where TSink : IHeaderValueSink, allows ref struct
    {
        if (_headers is null)
        {
            return;
        }

        var all = (1 << names.Length) - 1;
        var found = 0;
        foreach (var header in _headers.NonValidated)
        {
            var key = header.Key;
            for (var i = 0; i < names.Length; i++)
            {
                var name = names[i];
                if (name.Length == key.Length && (found & (1 << i)) == 0 && key.Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    foreach (var first in header.Value)
                    {
                        found |= 1 << i;
                        sink.Accept(i, first);
                        break;
                    }

                    // The wanted names differ ignoring case: no other one is this header's.
                    break;
                }
            }

            if (found == all)
            {
                return;
            }
        }
    }
}
