using System.Collections.Immutable;
using MeshClient.Xds.Protos.Discovery;

namespace MeshClient.Testing.Ads;

/// <summary>Decoding a state-of-the-world request, reusing the previous request's decoded names when their bytes repeat.</summary>
internal sealed partial class AdsStream
{
    private byte[] _lastNamesBytes = [];
    private ImmutableArray<string> _lastNames = [];

    /// <summary>
    /// Decodes a state-of-the-world request. Its <paramref name="names"/> are the previous request's list when their
    /// bytes are the same (then the returned message's own resource_names are empty and the names are not decoded
    /// again): a state-of-the-world ACK repeats every subscribed name, 10,000 strings at mesh scale.
    /// </summary>
    private DiscoveryRequest ParseRequest(ReadOnlySpan<byte> message, out ImmutableArray<string> names)
    {
        if (RequestNamesRange.TryFind(message, out var start, out var end) && end > start)
        {
            var range = message[start..end];
            if (range.SequenceEqual(_lastNamesBytes))
            {
                var rest = new byte[message.Length - range.Length];
                message[..start].CopyTo(rest);
                message[end..].CopyTo(rest.AsSpan(start));
                var withoutNames = DiscoveryRequest.Parser.ParseFrom(rest);
                names = _lastNames;
                return withoutNames;
            }

            var request = DiscoveryRequest.Parser.ParseFrom(message);
            names = [.. request.ResourceNames];
            _lastNamesBytes = range.ToArray();
            _lastNames = names;
            return request;
        }

        var whole = DiscoveryRequest.Parser.ParseFrom(message);
        names = [.. whole.ResourceNames];
        return whole;
    }
}
