using System.Runtime.CompilerServices;

namespace MeshClient.Routing;

/// <summary>Reads the headers a decision wants into an <see cref="IHeaderValueSink"/>, each under the slot of its name.</summary>
internal static class HeaderValueReading
{
    /// <summary>
    /// Gives <paramref name="sink"/> the first value of each of <paramref name="names"/> that <paramref name="headers"/>
    /// has: an <see cref="HttpRequestHeadersReader"/> in one pass over the request's stored headers, any other reader by
    /// one lookup per name.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Read<THeaders, TSink>(in THeaders headers, string[] names, ref TSink sink)
        where THeaders : IRouteHeaders, allows ref struct
        where TSink : IHeaderValueSink, allows ref struct
    {
        if (typeof(THeaders) == typeof(HttpRequestHeadersReader))
        {
            // A JIT-time constant: the other branch is not compiled for this reader.
            Unsafe.As<THeaders, HttpRequestHeadersReader>(ref Unsafe.AsRef(in headers)).ReadInto(names, ref sink);
            return;
        }

        for (var slot = 0; slot < names.Length; slot++)
        {
            if (headers.TryGetValue(names[slot], out var value))
            {
                sink.Accept(slot, value);
            }
        }
    }
}
