using System.Text;

namespace MeshClient.Xds.Transport;

/// <summary>
/// The percent-encoding of the <c>grpc-message</c> header: UTF-8 bytes, where every byte outside printable ASCII
/// (0x20-0x7E) and the percent sign itself is written as %XX.
/// </summary>
internal static class GrpcStatusMessageEncoding
{
    /// <summary>Percent-encodes a status message for the <c>grpc-message</c> header.</summary>
    public static string Encode(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var bytes = Encoding.UTF8.GetBytes(message);
        var builder = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and <= 0x7E and not (byte)'%')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(HexDigit(b >> 4)).Append(HexDigit(b & 0xF));
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Decodes a <c>grpc-message</c> value. Never fails, as the protocol requires: a malformed %-sequence is kept as
    /// written, and bytes that are not valid UTF-8 become U+FFFD.
    /// </summary>
    public static string Decode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }

        var bytes = new List<byte>(value.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%' && i + 2 < value.Length && TryHex(value[i + 1], out var high) && TryHex(value[i + 2], out var low))
            {
                bytes.Add((byte)((high << 4) | low));
                i += 2;
            }
            else if (c < 0x80)
            {
                bytes.Add((byte)c);
            }
            else
            {
                // Not allowed by the protocol, but keep it rather than lose it.
                Rune.DecodeFromUtf16(value.AsSpan(i), out var rune, out var consumed);
                var length = rune.EncodeToUtf8(utf8);
                for (var j = 0; j < length; j++)
                {
                    bytes.Add(utf8[j]);
                }

                i += consumed - 1;
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'A' + value - 10);

    private static bool TryHex(char c, out int value)
    {
        value = c switch
        {
            >= '0' and <= '9' => c - '0',
            >= 'A' and <= 'F' => c - 'A' + 10,
            >= 'a' and <= 'f' => c - 'a' + 10,
            _ => -1,
        };
        return value >= 0;
    }
}
