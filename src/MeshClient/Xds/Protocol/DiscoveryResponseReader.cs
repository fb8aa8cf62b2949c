using Google.Protobuf;
using MeshClient.Xds.Protos.Discovery;

namespace MeshClient.Xds.Protocol;

/// <summary>Unpacks the resources of a discovery response, checking each one's type URL.</summary>
internal static class DiscoveryResponseReader
{
    /// <summary>Unpacks every resource.</summary>
    /// <param name="response">The response.</param>
    /// <param name="parser">Parses one resource.</param>
    /// <param name="kind">The resource kind for messages, such as <c>Cluster</c>.</param>
    /// <returns>The resources in order.</returns>
    /// <exception cref="XdsResourceException">A resource's type URL differs from the response's, or it cannot be decoded.</exception>
    public static List<T> Unpack<T>(DiscoveryResponse response, MessageParser<T> parser, string kind)
        where T : IMessage<T>
    {
        var resources = new List<T>(response.Resources.Count);
        for (var i = 0; i < response.Resources.Count; i++)
        {
            var any = response.Resources[i];
            if (!string.Equals(any.TypeUrl, response.TypeUrl, StringComparison.Ordinal))
            {
                throw new XdsResourceException(
                    $"resource {i}: type URL \"{any.TypeUrl}\" does not match the response's type URL \"{response.TypeUrl}\"");
            }

            try
            {
                resources.Add(parser.ParseFrom(any.Value));
            }
            catch (InvalidProtocolBufferException ex)
            {
                throw new XdsResourceException($"resource {i}: cannot decode {kind}: {ex.Message}", ex);
            }
        }

        return resources;
    }
}
