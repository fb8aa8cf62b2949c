namespace MeshClient.Testing.Ads;

/// <summary>
/// Where an encoded DiscoveryRequest keeps its resource_names (field 3): the byte range of those fields when they are
/// one run, as every protobuf encoder writes them (fields in number order). A state-of-the-world ACK repeats the
/// names of the request before it, so a stream compares this range with the previous request's instead of decoding
/// thousands of strings again.
/// </summary>
internal static class RequestNamesRange
{
    private const int ResourceNamesField = 3;

    /// <summary>
    /// Finds the range. Returns <see langword="false"/> when the message cannot be walked (malformed, groups) or its
    /// names are not one run (another field between them); the caller then decodes the message whole. A message
    /// without names has an empty range.
    /// </summary>
    /// <param name="message">The encoded DiscoveryRequest.</param>
    /// <param name="start">The offset of the first names field's tag.</param>
    /// <param name="end">The offset just past the last names field.</param>
    public static bool TryFind(ReadOnlySpan<byte> message, out int start, out int end)
    {
        start = 0;
        end = 0;
        var found = false;
        var position = 0;
        while (position < message.Length)
        {
            var fieldStart = position;
            if (!TryReadVarint(message, ref position, out var tag))
            {
                return false;
            }

            var wireType = (int)(tag & 7);
            if (!TrySkipValue(message, wireType, ref position))
            {
                return false;
            }

            if (tag >> 3 != ResourceNamesField)
            {
                continue;
            }

            if (wireType != 2 || (found && end != fieldStart))
            {
                return false;
            }

            if (!found)
            {
                found = true;
                start = fieldStart;
            }

            end = position;
        }

        return true;
    }

    private static bool TrySkipValue(ReadOnlySpan<byte> message, int wireType, ref int position)
    {
        long size;
        switch (wireType)
        {
            case 0:
                return TryReadVarint(message, ref position, out _);
            case 1:
                size = 8;
                break;
            case 2:
                if (!TryReadVarint(message, ref position, out var length) || length > (ulong)message.Length)
                {
                    return false;
                }

                size = (long)length;
                break;
            case 5:
                size = 4;
                break;
            default:
                return false;
        }

        if (size > message.Length - position)
        {
            return false;
        }

        position += (int)size;
        return true;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> message, ref int position, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && position < message.Length; shift += 7)
        {
            var b = message[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}
