using MeshClient.Registry;

namespace MeshClient.Xds.Protocol;

/// <summary>The fast path's reading of one LbEndpoint: address, health, weight and the labels of its metadata.</summary>
internal static partial class LoadAssignmentWireReader
{
    /// <summary>How deep metadata may nest on the fast path (the generated parser allows 100; deeper takes its path).</summary>
    private const int MaxDepth = 32;

    private static bool TryReadEndpoint(ReadOnlySpan<byte> bytes, EndpointLocality locality, uint localityWeight, uint priority, XdsResourceLimits limits, EndpointInterner interner, out MeshEndpoint endpoint)
    {
        endpoint = null!;
        var reader = new ProtoWireReader(bytes);
        ReadOnlySpan<byte> host = default;
        uint port = 0;
        uint health = 0;
        uint? weight = null;
        var labels = new LabelPairs();
        var istioTls = false;
        var seen = 0;
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var field, out var wire))
            {
                return false;
            }

            switch (field)
            {
                case 1 when wire == ProtoWireReader.LengthDelimited && Once(ref seen, 1):
                    if (!reader.TryReadBytes(out var value) || !TryReadHost(value, out host, out port))
                    {
                        return false;
                    }

                    break;
                case 2 when wire == ProtoWireReader.Varint && Once(ref seen, 2):
                    if (!reader.TryReadUInt32(out health))
                    {
                        return false;
                    }

                    break;
                case 3 when wire == ProtoWireReader.LengthDelimited && Once(ref seen, 4):
                    if (!reader.TryReadBytes(out var metadata) || !TryReadMetadata(metadata, interner, ref labels, ref istioTls))
                    {
                        return false;
                    }

                    break;
                case 4 when wire == ProtoWireReader.LengthDelimited && Once(ref seen, 8):
                    if (!reader.TryReadBytes(out var wrapper) || !TryReadUInt32Value(wrapper, out var w))
                    {
                        return false;
                    }

                    weight = w;
                    break;
                default:
                    return false;
            }
        }

        if ((seen & 1) == 0 || port is < 1 or > 65535)
        {
            return false;
        }

        if (!labels.TryBuild(limits, out var keys, out var values))
        {
            return false;
        }

        var status = (EndpointHealth)(int)health;
        status = Enum.IsDefined(status) ? status : EndpointHealth.Unknown;
        var placement = interner.Placement(locality, localityWeight, priority, weight ?? 1);
        var shared = interner.Labels(keys, values);
        if (IPv4Text.TryPack(host, out var ipv4))
        {
            endpoint = interner.Endpoint(new MeshEndpoint(ipv4, (int)port, status, istioTls, placement, shared));
            return true;
        }

        var address = interner.String(host);
        if (string.IsNullOrWhiteSpace(address))
        {
            return false;
        }

        endpoint = interner.Endpoint(new MeshEndpoint(address, (int)port, status, istioTls, placement, shared));
        return true;
    }

    /// <summary>Reads Endpoint { Address address = 1 { SocketAddress socket_address = 1 }; string hostname = 3 }.</summary>
    private static bool TryReadHost(ReadOnlySpan<byte> bytes, out ReadOnlySpan<byte> host, out uint port)
    {
        host = default;
        port = 0;
        var reader = new ProtoWireReader(bytes);
        var seen = 0;
        ReadOnlySpan<byte> address = default;
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var field, out var wire) || wire != ProtoWireReader.LengthDelimited || !Once(ref seen, 1 << field))
            {
                return false;
            }

            if (field == 1)
            {
                if (!reader.TryReadBytes(out address))
                {
                    return false;
                }
            }
            else if (field != 3 || !reader.TryReadUtf8(out _))
            {
                return false;
            }
        }

        // Address: exactly one socket_address (pipes and internal addresses take the generated parser's path).
        var outer = new ProtoWireReader(address);
        if ((seen & 2) == 0 || !outer.TryReadTag(out var kind, out var kindWire) || kind != 1 || kindWire != ProtoWireReader.LengthDelimited
            || !outer.TryReadBytes(out var socket) || !outer.End)
        {
            return false;
        }

        var inner = new ProtoWireReader(socket);
        var fields = 0;
        while (!inner.End)
        {
            if (!inner.TryReadTag(out var field, out var wire) || field is < 1 or > 6 or 4 || !Once(ref fields, 1 << field))
            {
                return false;
            }

            var ok = field switch
            {
                2 => wire == ProtoWireReader.LengthDelimited && inner.TryReadUtf8(out host),
                3 => wire == ProtoWireReader.Varint && inner.TryReadUInt32(out port),
                5 => wire == ProtoWireReader.LengthDelimited && inner.TryReadUtf8(out _),
                _ => wire == ProtoWireReader.Varint && inner.TryReadVarint(out _),
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
