using System.Runtime.CompilerServices;

namespace MeshClient.Routing;

/// <summary>
/// The values of the (at most <see cref="Capacity"/>) distinct headers a service's rules test, read once per decision,
/// so rules that test the same header do not look it up again; a value that numeric conditions test is also parsed
/// once, as a whole number, when it is one.
/// </summary>
internal ref struct HeaderSnapshot : IHeaderValueSink
{
    /// <summary>The most distinct header names kept; rules over more names read the others directly.</summary>
    public const int Capacity = 4;

    private ReadOnlySpan<char> _value0;
    private ReadOnlySpan<char> _value1;
    private ReadOnlySpan<char> _value2;
    private ReadOnlySpan<char> _value3;
    private long _integer0;
    private long _integer1;
    private long _integer2;
    private long _integer3;
    private int _found;
    private int _integers;

    /// <summary>
    /// Reads each of <paramref name="names"/> (at most <see cref="Capacity"/>) from <paramref name="headers"/>, and
    /// parses the values at the slots of <paramref name="integerSlots"/> (a bit per slot) as whole numbers.
    /// <see cref="HttpRequestHeadersReader"/> is read in one pass over the request's stored headers.
    /// </summary>
    public static HeaderSnapshot Read<THeaders>(in THeaders headers, string[] names, int integerSlots)
        where THeaders : IRouteHeaders, allows ref struct
    {
        var snapshot = default(HeaderSnapshot);
        HeaderValueReading.Read(headers, names, ref snapshot);
        var parse = integerSlots & snapshot._found;
        if (parse != 0)
        {
            snapshot.ParseIntegers(parse);
        }

        return snapshot;
    }

    /// <summary>The slots read so far, a bit each.</summary>
    public readonly int Found => _found;

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

    /// <summary>
    /// Whether the value at <paramref name="slot"/> was parsed as a whole number (<see cref="HeaderCondition.TryParseInteger"/>):
    /// only for slots the read was asked to parse.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool IsInteger(int slot) => (_integers & (1 << slot)) != 0;

    /// <summary>The whole number at <paramref name="slot"/> (0 when <see cref="IsInteger"/> is false).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly long Integer(int slot) => slot switch
    {
        0 => _integer0,
        1 => _integer1,
        2 => _integer2,
        _ => _integer3,
    };

    /// <summary>Keeps <paramref name="value"/> for <paramref name="slot"/>.</summary>
    public void Accept(int slot, ReadOnlySpan<char> value)
    {
        _found |= 1 << slot;
        switch (slot)
        {
            case 0: _value0 = value; break;
            case 1: _value1 = value; break;
            case 2: _value2 = value; break;
            default: _value3 = value; break;
        }
    }

    private void ParseIntegers(int slots)
    {
        for (var slot = 0; slot < Capacity; slot++)
        {
            if ((slots & (1 << slot)) != 0 && HeaderCondition.TryParseInteger(Value(slot), out var integer))
            {
                _integers |= 1 << slot;
                switch (slot)
                {
                    case 0: _integer0 = integer; break;
                    case 1: _integer1 = integer; break;
                    case 2: _integer2 = integer; break;
                    default: _integer3 = integer; break;
                }
            }
        }
    }
}
