using System.Text;
using System.Text.Unicode;

namespace MeshClient.Xds.Protocol;

/// <summary>
/// Reads the protobuf wire format from a span: tags, varints, fixed64 and length-delimited fields. Every method
/// returns <see langword="false"/> on anything malformed instead of throwing, so a caller can hand the message to the
/// generated parser, which then reports the problem as it always has.
/// </summary>
internal ref struct ProtoWireReader
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public ProtoWireReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly bool End => _position >= _data.Length;

    /// <summary>Reads a tag: its field number (at least 1) and wire type.</summary>
    public bool TryReadTag(out int field, out int wireType)
    {
        field = 0;
        wireType = 0;
        if (!TryReadVarint(out var tag) || tag > uint.MaxValue)
        {
            return false;
        }

        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        return field > 0;
    }

    public bool TryReadVarint(out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
            {
                return false;
            }

            var b = _data[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return shift < 63 || b <= 1;
            }
        }

        return false;
    }

    /// <summary>Reads a varint field of a 32-bit type (uint32, enum): the low 32 bits, as the generated parser keeps.</summary>
    public bool TryReadUInt32(out uint value)
    {
        var ok = TryReadVarint(out var raw);
        value = (uint)raw;
        return ok;
    }

    public bool TryReadBytes(out ReadOnlySpan<byte> bytes)
    {
        bytes = default;
        if (!TryReadVarint(out var length) || length > (ulong)(_data.Length - _position))
        {
            return false;
        }

        bytes = _data.Slice(_position, (int)length);
        _position += (int)length;
        return true;
    }

    /// <summary>Reads a string field as UTF-8; invalid UTF-8 is refused (the generated parser decides about it).</summary>
    public bool TryReadUtf8(out ReadOnlySpan<byte> utf8) => TryReadBytes(out utf8) && Utf8.IsValid(utf8);

    /// <summary>Skips the value of a field of the given wire type (not groups: refused).</summary>
    public bool TrySkip(int wireType)
    {
        switch (wireType)
        {
            case Varint:
                return TryReadVarint(out _);
            case Fixed64:
                return TryAdvance(8);
            case LengthDelimited:
                return TryReadBytes(out _);
            case Fixed32:
                return TryAdvance(4);
            default:
                return false;
        }
    }

    public static string Decode(ReadOnlySpan<byte> utf8) => utf8.IsEmpty ? string.Empty : Encoding.UTF8.GetString(utf8);

    private bool TryAdvance(int count)
    {
        if (_data.Length - _position < count)
        {
            return false;
        }

        _position += count;
        return true;
    }
}
