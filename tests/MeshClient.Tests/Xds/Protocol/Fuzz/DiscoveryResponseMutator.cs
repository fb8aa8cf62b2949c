using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using MeshClient.Xds.Protos.Core;
using MeshClient.Xds.Protos.Discovery;
using MeshClient.Xds.Protos.Endpoint;
using Cluster = MeshClient.Xds.Protos.Cluster.Cluster;
using Endpoint = MeshClient.Xds.Protos.Endpoint.Endpoint;

namespace MeshClient.Tests.Xds.Protocol.Fuzz;

/// <summary>
/// Builds random CDS and EDS responses from a seeded <see cref="Random"/>: mostly plausible resources over a small
/// pool of names (so updates, duplicates and last-good versions collide), mixed with invalid endpoints, skipped address
/// kinds, deep Structs, wrong type URLs, truncated and random bytes.
/// </summary>
internal sealed class DiscoveryResponseMutator(Random random, string clusterType, string endpointType)
{
    private static readonly string[] ClusterNames = ["c0", "c1", "c2", "c3", "c4"];
    private static readonly string[] ServiceNames = ["c0", "c1", "svc-a", "svc-b"];
    private int _sequence;

    public DiscoveryResponse Next(bool clusters)
    {
        _sequence++;
        var typeUrl = clusters ? clusterType : endpointType;
        var response = new DiscoveryResponse { TypeUrl = typeUrl, VersionInfo = $"v{_sequence}", Nonce = $"n{_sequence}" };
        var count = random.Next(0, 5);
        for (var i = 0; i < count; i++)
        {
            IMessage resource = clusters ? NextCluster() : NextAssignment();
            response.Resources.Add(Mutate(new Any { TypeUrl = typeUrl, Value = resource.ToByteString() }));
        }

        if (response.Resources.Count > 0 && random.Next(8) == 0)
        {
            // A duplicate name: a copy of an earlier resource, as it is or with other content.
            response.Resources.Add(response.Resources[random.Next(response.Resources.Count)].Clone());
        }

        return response;
    }

    private Any Mutate(Any any)
    {
        var bytes = any.Value.ToByteArray();
        switch (random.Next(20))
        {
            case 0:
                any.TypeUrl = random.Next(2) == 0 ? (any.TypeUrl == clusterType ? endpointType : clusterType) : "type.googleapis.com/google.protobuf.Struct";
                break;
            case 1 when bytes.Length > 0:
                any.Value = ByteString.CopyFrom(bytes, 0, random.Next(bytes.Length));
                break;
            case 2:
                var noise = new byte[random.Next(0, 40)];
                random.NextBytes(noise);
                any.Value = ByteString.CopyFrom(noise);
                break;
            case 3 when bytes.Length > 0:
                bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                any.Value = ByteString.CopyFrom(bytes);
                break;
        }

        return any;
    }

    private Cluster NextCluster()
    {
        var name = random.Next(15) == 0 ? string.Empty : ClusterNames[random.Next(ClusterNames.Length)];
        if (random.Next(2) == 0)
        {
            var cluster = new Cluster { Name = name, Type = Cluster.Types.DiscoveryType.Eds, EdsClusterConfig = new Cluster.Types.EdsClusterConfig() };
            if (random.Next(2) == 0)
            {
                cluster.EdsClusterConfig.ServiceName = ServiceNames[random.Next(ServiceNames.Length)];
            }

            return cluster;
        }

        var inline = new Cluster { Name = name, Type = Cluster.Types.DiscoveryType.Static };
        if (random.Next(4) != 0)
        {
            inline.LoadAssignment = Assignment(name);
        }

        return inline;
    }

    private ClusterLoadAssignment NextAssignment()
    {
        var name = random.Next(15) == 0 ? string.Empty : ServiceNames[random.Next(ServiceNames.Length)];
        return Assignment(name);
    }

    private ClusterLoadAssignment Assignment(string name)
    {
        var assignment = new ClusterLoadAssignment { ClusterName = name };
        for (var g = random.Next(0, 3); g > 0; g--)
        {
            var group = new LocalityLbEndpoints();
            for (var e = random.Next(0, 4); e > 0; e--)
            {
                group.LbEndpoints.Add(NextEndpoint());
            }

            assignment.Endpoints.Add(group);
        }

        return assignment;
    }

    private LbEndpoint NextEndpoint()
    {
        var ip = $"10.0.{random.Next(4)}.{random.Next(1, 255)}";
        var endpoint = random.Next(24) switch
        {
            0 => Socket(ip, 0),
            1 => Socket(ip, 70_000),
            2 => Socket(ip, uint.MaxValue),
            3 => Socket(string.Empty, 80),
            4 => Socket("  ", 80),
            5 => new LbEndpoint { Endpoint = new Endpoint { Address = new Address { SocketAddress = new SocketAddress { Address = ip, NamedPort = "http" } } } },
            6 => new LbEndpoint { Endpoint = new Endpoint() },
            7 => new LbEndpoint { EndpointName = "named" },
            8 => new LbEndpoint { Endpoint = new Endpoint { Address = new Address { Pipe = new Pipe { Path = "/var/run/app.sock" } } } },
            9 => new LbEndpoint { Endpoint = new Endpoint { Address = new Address { EnvoyInternalAddress = new EnvoyInternalAddress { ServerListenerName = "connect_originate" } } } },
            _ => Socket(ip, (uint)random.Next(1, 65536)),
        };

        if (random.Next(3) == 0)
        {
            var labels = new Struct { Fields = { ["version"] = Value.ForString($"v{random.Next(3)}") } };
            if (random.Next(4) == 0)
            {
                labels.Fields["deep"] = Value.ForStruct(Deep(random.Next(1, 130)));
            }

            endpoint.Metadata = new Metadata { FilterMetadata = { ["envoy.lb"] = labels } };
        }

        return endpoint;
    }

    private static Struct Deep(int depth)
    {
        var inner = new Struct { Fields = { ["leaf"] = Value.ForString("x") } };
        for (var i = 0; i < depth; i++)
        {
            inner = new Struct { Fields = { ["d"] = Value.ForStruct(inner) } };
        }

        return inner;
    }

    private static LbEndpoint Socket(string address, uint port) =>
        new() { Endpoint = new Endpoint { Address = new Address { SocketAddress = new SocketAddress { Address = address, PortValue = port } } } };
}
