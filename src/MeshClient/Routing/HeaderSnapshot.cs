using System.Runtime.CompilerServices;

namespace MeshClient.Routing;

/// <summary>
/// The values of the (at most <see cref="Capacity"/>) distinct headers a service's rules test, read once per decision,
/// so rules that test the same header do not look it up again.
/// </summary>
internal ref struct HeaderSnapshot
{
    /// <summary>The most distinct header names kept; rules over more names read the others directly.</summary>
    public const int Capacity = 4;

    private ReadOnlySpan<char> _value0;
    private ReadOnlySpan<char> _value1;
    private ReadOnlySpan<char> _value2;
    private ReadOnlySpan<char> _value3;
    private int _found;

    /// <summary>Reads each of <paramref name="names"/> (at most <see cref="Capacity"/>) from <paramref name="headers"/>.</summary>
    public static HeaderSnapshot Read<THeaders>(in THeaders headers, string[] names)
        where THeaders : IRouteHeaders, allows ref struct
    {
        var snapshot = default(HeaderSnapshot);
        for (var i = 0; i < names.Length; i++)
        {
            if (headers.TryGetValue(names[i], out var value))
            {
                snapshot._found |= 1 << i;
                switch (i)
                {
                    case 0: snapshot._value0 = value; break;
                    case 1: snapshot._value1 = value; break;
                    case 2: snapshot._value2 = value; break;
                    default: snapshot._value3 = value; break;
                }
            }
        }

        return snapshot;
    }

    /// <summary>Whether the request has the header at <paramref name="slot"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool Has(int slot) => (_found & (1 << slot)) != 0;

    /// <summary>The value read for the name at <paramref name="slot"/> (empty when <see cref="Has"/> is false).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ReadOnlySpan<char> Value(int slot) => slot switch
    {
        0 => _value0,
        1 => _value1,
        2 => _value2,
        _ => _value3,
    };
}
