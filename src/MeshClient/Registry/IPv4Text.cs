using System.Globalization;

namespace MeshClient.Registry;

/// <summary>
/// IPv4 addresses in canonical dotted-decimal text (four decimal octets, no leading zeros, no spaces) packed into 32
/// bits and back: text that packs formats back to exactly itself, so an endpoint can keep the 4 bytes and make its
/// address string only when asked.
/// </summary>
internal static class IPv4Text
{
    /// <summary>Packs canonical dotted-decimal text; <see langword="false"/> for anything else (IPv6, host names, <c>010.0.0.1</c>).</summary>
    public static bool TryPack(ReadOnlySpan<char> text, out uint packed)
    {
        packed = 0;
        if (text.Length is < 7 or > 15)
        {
            return false;
        }

        var octets = 0;
        var i = 0;
        while (true)
        {
            var start = i;
            var value = 0;
            while (i < text.Length && text[i] is >= '0' and <= '9')
            {
                value = (value * 10) + (text[i] - '0');
                i++;
            }

            var digits = i - start;
            if (digits is 0 or > 3 || value > 255 || (digits > 1 && text[start] == '0'))
            {
                return false;
            }

            packed = (packed << 8) | (uint)value;
            octets++;
            if (octets == 4)
            {
                return i == text.Length;
            }

            if (i >= text.Length || text[i] != '.')
            {
                return false;
            }

            i++;
        }
    }

    /// <summary>Packs canonical dotted-decimal UTF-8; see <see cref="TryPack(ReadOnlySpan{char}, out uint)"/>.</summary>
    public static bool TryPack(ReadOnlySpan<byte> utf8, out uint packed)
    {
        packed = 0;
        if (utf8.Length is < 7 or > 15)
        {
            return false;
        }

        Span<char> chars = stackalloc char[15];
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] > 0x7F)
            {
                return false;
            }

            chars[i] = (char)utf8[i];
        }

        return TryPack(chars[..utf8.Length], out packed);
    }

    /// <summary>The canonical text of a packed address.</summary>
    public static string Format(uint packed) => string.Create(
        CultureInfo.InvariantCulture,
        $"{packed >> 24}.{(packed >> 16) & 0xFF}.{(packed >> 8) & 0xFF}.{packed & 0xFF}");
}
