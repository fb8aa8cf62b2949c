using Google.Protobuf;
using MeshClient.Xds.Protos.Core;
using MeshClient.Xds.Protos.Discovery;
using MeshClient.Xds.Protos.Endpoint;
using Cluster = MeshClient.Xds.Protos.Cluster.Cluster;

namespace MeshClient.Tests.Xds.Protocol.Fuzz;

/// <summary>
/// What the registry must hold after a sequence of responses, by the rules of gRFC A46 written plainly: the valid
/// resources apply, an invalid named one keeps its last good version, an unreadable one (no name) removes no cluster.
/// Also the resources each NACK must name.
/// </summary>
internal sealed class XdsReferenceModel
{
    private readonly Dictionary<string, ModelCluster> _clusters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(string, int)>> _assignments = new(StringComparer.Ordinal);

    /// <summary>Applies a CDS response; returns the texts its NACK must contain (empty: it must be ACKed).</summary>
    public List<string> ApplyClusters(DiscoveryResponse response)
    {
        var mentions = new List<string>();
        var parsed = Unpack(response, Cluster.Parser, c => c.Name, mentions);
        var invalid = new HashSet<string>(StringComparer.Ordinal);
        var valid = new Dictionary<string, ModelCluster>(StringComparer.Ordinal);
        var anyUnnamed = mentions.Count > 0;
        foreach (var (name, cluster, duplicate) in parsed)
        {
            if (duplicate)
            {
                invalid.Add(name);
                continue;
            }

            if (cluster.ClusterDiscoveryTypeCase == Cluster.ClusterDiscoveryTypeOneofCase.Type && cluster.Type == Cluster.Types.DiscoveryType.Eds)
            {
                var service = cluster.EdsClusterConfig is { ServiceName.Length: > 0 } eds ? eds.ServiceName : name;
                valid[name] = new ModelCluster(service, []);
            }
            else if (cluster.LoadAssignment is null)
            {
                valid[name] = new ModelCluster(null, []);
            }
            else if (Endpoints(cluster.LoadAssignment) is { } endpoints)
            {
                valid[name] = new ModelCluster(null, endpoints);
            }
            else
            {
                invalid.Add(name);
            }
        }

        mentions.AddRange(invalid.Select(n => $"\"{n}\""));
        var next = new Dictionary<string, ModelCluster>(valid, StringComparer.Ordinal);
        foreach (var (name, previous) in _clusters)
        {
            if (invalid.Contains(name) || (anyUnnamed && !valid.ContainsKey(name)))
            {
                next[name] = previous;
            }
        }

        _clusters.Clear();
        foreach (var (name, cluster) in next)
        {
            _clusters[name] = cluster;
        }

        var used = EdsNames();
        foreach (var name in _assignments.Keys.Where(n => !used.Contains(n)).ToList())
        {
            _assignments.Remove(name);
        }

        return mentions;
    }

    /// <summary>Applies an EDS response; returns the texts its NACK must contain (empty: it must be ACKed).</summary>
    public List<string> ApplyEndpoints(DiscoveryResponse response)
    {
        var mentions = new List<string>();
        var requested = EdsNames();
        var parsed = Unpack(response, ClusterLoadAssignment.Parser, a => a.ClusterName, mentions);
        foreach (var (name, assignment, duplicate) in parsed)
        {
            if (duplicate)
            {
                mentions.Add($"\"{name}\"");
            }
            else if (!requested.Contains(name))
            {
                continue;
            }
            else if (Endpoints(assignment) is { } endpoints)
            {
                _assignments[name] = endpoints;
            }
            else
            {
                mentions.Add($"\"{name}\"");
            }
        }

        return mentions;
    }

    /// <summary>The expected registry: cluster name → (endpoints received, endpoints as address:port).</summary>
    public SortedDictionary<string, (bool Received, string Endpoints)> Expected()
    {
        var result = new SortedDictionary<string, (bool, string)>(StringComparer.Ordinal);
        foreach (var (name, cluster) in _clusters)
        {
            if (cluster.EdsName is null)
            {
                result[name] = (true, Format(cluster.Inline));
            }
            else
            {
                result[name] = _assignments.TryGetValue(cluster.EdsName, out var endpoints) ? (true, Format(endpoints)) : (false, string.Empty);
            }
        }

        return result;
    }

    public static string Format(IEnumerable<(string Address, int Port)> endpoints) => string.Join(",", endpoints.Select(e => $"{e.Address}:{e.Port}"));

    private HashSet<string> EdsNames() => _clusters.Values.Where(c => c.EdsName is not null).Select(c => c.EdsName!).ToHashSet(StringComparer.Ordinal);

    /// <summary>Decodes each resource; unreadable and unnamed ones are added to <paramref name="mentions"/> as "resource i:".</summary>
    private static List<(string Name, T Resource, bool Duplicate)> Unpack<T>(DiscoveryResponse response, MessageParser<T> parser, Func<T, string> nameOf, List<string> mentions)
        where T : IMessage<T>
    {
        var decoded = new List<(string, T)>();
        for (var i = 0; i < response.Resources.Count; i++)
        {
            var any = response.Resources[i];
            if (any.TypeUrl != response.TypeUrl)
            {
                mentions.Add($"resource {i}:");
                continue;
            }

            T resource;
            try
            {
                resource = parser.ParseFrom(any.Value);
            }
            catch (InvalidProtocolBufferException)
            {
                mentions.Add($"resource {i}:");
                continue;
            }

            if (nameOf(resource).Length == 0)
            {
                mentions.Add($"resource {i}:");
                continue;
            }

            decoded.Add((nameOf(resource), resource));
        }

        var counts = decoded.GroupBy(d => d.Item1, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var result = new List<(string, T, bool)>();
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, resource) in decoded)
        {
            var duplicate = counts[name] > 1;
            if (!duplicate || reported.Add(name))
            {
                result.Add((name, resource, duplicate));
            }
        }

        return result;
    }

    /// <summary>The callable endpoints of an assignment, or null when one endpoint is invalid.</summary>
    private static List<(string, int)>? Endpoints(ClusterLoadAssignment assignment)
    {
        var result = new List<(string, int)>();
        foreach (var group in assignment.Endpoints)
        {
            foreach (var lb in group.LbEndpoints)
            {
                if (lb.HostIdentifierCase != LbEndpoint.HostIdentifierOneofCase.Endpoint || lb.Endpoint.Address is not { } address)
                {
                    return null;
                }

                switch (address.AddressCase)
                {
                    case Address.AddressOneofCase.Pipe or Address.AddressOneofCase.EnvoyInternalAddress:
                        continue;
                    case Address.AddressOneofCase.SocketAddress:
                        var socket = address.SocketAddress;
                        if (string.IsNullOrWhiteSpace(socket.Address) || socket.PortSpecifierCase == SocketAddress.PortSpecifierOneofCase.NamedPort || socket.PortValue is < 1 or > 65535)
                        {
                            return null;
                        }

                        result.Add((socket.Address, (int)socket.PortValue));
                        break;
                    default:
                        return null;
                }
            }
        }

        return result;
    }

    private sealed record ModelCluster(string? EdsName, List<(string Address, int Port)> Inline);
}
