namespace MeshClient.Routing;

/// <summary>Reads a session key from a header or from one cookie of the <c>Cookie</c> header, without allocating.</summary>
internal static class SessionKeyReader
{
    public static ReadOnlySpan<char> Read<THeaders>(in THeaders headers, string? headerName, string? cookieName)
        where THeaders : IRouteHeaders, allows ref struct
    {
        if (headerName is not null)
        {
            return headers.TryGetValue(headerName, out var value) ? value.Trim() : default;
        }

        if (cookieName is not null && headers.TryGetValue("Cookie", out var cookies))
        {
            return FindCookie(cookies, cookieName);
        }

        return default;
    }

    public static ReadOnlySpan<char> FindCookie(ReadOnlySpan<char> cookies, string name)
    {
        foreach (var range in cookies.Split(';'))
        {
            var pair = cookies[range].Trim();
            var equals = pair.IndexOf('=');
            if (equals > 0 && pair[..equals].Trim().Equals(name, StringComparison.Ordinal))
            {
                var value = pair[(equals + 1)..].Trim();
                if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
                {
                    value = value[1..^1];
                }

                return value;
            }
        }

        return default;
    }
}
