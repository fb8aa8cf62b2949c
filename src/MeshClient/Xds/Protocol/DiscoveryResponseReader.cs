using Google.Protobuf;
using MeshClient.Xds.Protos.Discovery;

namespace MeshClient.Xds.Protocol;

/// <summary>Unpacks the resources of a discovery response, checking each one's type URL.</summary>
internal static class DiscoveryResponseReader
{
    /// <summary>
    /// Unpacks every resource; one whose type URL differs from the response's, or which cannot be decoded, is recorded
    /// in <paramref name="errors"/> (without a name: none can be read) and left out.
    /// </summary>
    /// <param name="response">The response.</param>
    /// <param name="parser">Parses one resource.</param>
    /// <param name="kind">The resource kind for messages, such as <c>Cluster</c>.</param>
    /// <param name="errors">Receives the resources that cannot be unpacked.</param>
    /// <returns>The decoded resources with their index in the response, in order.</returns>
    public static List<(int Index, T Resource)> Unpack<T>(DiscoveryResponse response, MessageParser<T> parser, string kind, XdsResourceErrors errors)
        where T : IMessage<T>
    {
        var resources = new List<(int, T)>(response.Resources.Count);
        for (var i = 0; i < response.Resources.Count; i++)
        {
            var any = response.Resources[i];
            if (!string.Equals(any.TypeUrl, response.TypeUrl, StringComparison.Ordinal))
            {
                errors.Add(null, $"resource {i}: type URL \"{any.TypeUrl}\" does not match the response's type URL \"{response.TypeUrl}\"");
                continue;
            }

            try
            {
                resources.Add((i, parser.ParseFrom(any.Value)));
            }
            catch (InvalidProtocolBufferException ex)
            {
                errors.Add(null, $"resource {i}: cannot decode {kind}: {ex.Message}");
            }
        }

        return resources;
    }

    /// <summary>
    /// Finds the names that appear more than once among the decoded resources; each such resource is invalid, as no
    /// one of them can be told to be the right one.
    /// </summary>
    /// <param name="resources">The decoded resources with their indexes.</param>
    /// <param name="nameOf">Reads a resource's name.</param>
    /// <param name="kind">The resource kind for messages, such as <c>cluster</c>.</param>
    /// <param name="errors">Receives one error per duplicated name.</param>
    /// <returns>The duplicated names.</returns>
    public static HashSet<string> FindDuplicates<T>(List<(int Index, T Resource)> resources, Func<T, string> nameOf, string kind, XdsResourceErrors errors)
    {
        var indexes = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (var (index, resource) in resources)
        {
            var name = nameOf(resource);
            if (name.Length == 0)
            {
                continue;
            }

            if (!indexes.TryGetValue(name, out var list))
            {
                indexes[name] = list = [];
            }

            list.Add(index);
        }

        var duplicates = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, list) in indexes)
        {
            if (list.Count > 1)
            {
                duplicates.Add(name);
                errors.Add(name, $"{kind} \"{name}\" appears more than once (resources {string.Join(" and ", list)})");
            }
        }

        return duplicates;
    }
}
