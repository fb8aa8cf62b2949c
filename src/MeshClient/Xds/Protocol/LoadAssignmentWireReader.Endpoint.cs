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
                    if (!reader.TryReadBytes(out var metadata) || !TryReadMetadata(metadata, interner, ref labels))
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

        var address = interner.String(host);
        if (string.IsNullOrWhiteSpace(address) || !labels.TryBuild(limits, out var items))
        {
            return false;
        }

        var status = (EndpointHealth)(int)health;
        endpoint = interner.Endpoint(new MeshEndpoint(
            address,
            (int)port,
            Enum.IsDefined(status) ? status : EndpointHealth.Unknown,
            weight ?? 1,
            locality,
            localityWeight,
            priority,
            interner.Labels(items)));
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

    /// <summary>Reads Metadata { map&lt;string, Struct&gt; filter_metadata = 1 }: the labels of envoy.lb and istio.labels; the rest is only checked.</summary>
    private static bool TryReadMetadata(ReadOnlySpan<byte> bytes, EndpointInterner interner, ref LabelPairs labels)
    {
        var reader = new ProtoWireReader(bytes);
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var field, out var wire) || field != 1 || wire != ProtoWireReader.LengthDelimited
                || !reader.TryReadBytes(out var entry) || !TryReadMapEntry(entry, out var key, out var value))
            {
                return false;
            }

            if (key.SequenceEqual(EnvoyLbUtf8))
            {
                if (!labels.StartEnvoyLb() || !TryReadStruct(value, interner, ref labels, LabelTarget.EnvoyLb, 1))
                {
                    return false;
                }
            }
            else if (key.SequenceEqual(IstioUtf8))
            {
                if (!labels.StartIstio() || !TryReadStruct(value, interner, ref labels, LabelTarget.IstioMetadata, 1))
                {
                    return false;
                }
            }
            else if (!TryReadStruct(value, interner, ref labels, LabelTarget.None, 1))
            {
                return false;
            }
        }

        return true;
    }

    private static ReadOnlySpan<byte> EnvoyLbUtf8 => "envoy.lb"u8;

    private static ReadOnlySpan<byte> IstioUtf8 => "istio"u8;

    private static ReadOnlySpan<byte> LabelsUtf8 => "labels"u8;

    /// <summary>Reads a map entry { string key = 1; message value = 2 }, each exactly once.</summary>
    private static bool TryReadMapEntry(ReadOnlySpan<byte> bytes, out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        key = default;
        value = default;
        var reader = new ProtoWireReader(bytes);
        var seen = 0;
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var field, out var wire) || wire != ProtoWireReader.LengthDelimited || field is < 1 or > 2 || !Once(ref seen, field))
            {
                return false;
            }

            if (!(field == 1 ? reader.TryReadUtf8(out key) : reader.TryReadBytes(out value)))
            {
                return false;
            }
        }

        return seen == 3;
    }

    /// <summary>Reads a Struct { map&lt;string, Value&gt; fields = 1 }, collecting string fields as labels when asked.</summary>
    private static bool TryReadStruct(ReadOnlySpan<byte> bytes, EndpointInterner interner, ref LabelPairs labels, LabelTarget target, int depth)
    {
        if (depth > MaxDepth)
        {
            return false;
        }

        var reader = new ProtoWireReader(bytes);
        var istioLabelsSeen = false;
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var field, out var wire) || field != 1 || wire != ProtoWireReader.LengthDelimited
                || !reader.TryReadBytes(out var entry) || !TryReadMapEntry(entry, out var key, out var value))
            {
                return false;
            }

            if (!TryReadValue(value, out var kind, out var content, depth))
            {
                return false;
            }

            switch (target)
            {
                case LabelTarget.EnvoyLb or LabelTarget.IstioLabels when kind == 3:
                    if (!labels.Add(target == LabelTarget.IstioLabels, interner.String(key), interner.String(content)))
                    {
                        return false;
                    }

                    break;
                case LabelTarget.EnvoyLb or LabelTarget.IstioLabels:
                    // A non-string field: no label, but a later field of the same key would replace it.
                    if (!labels.Add(target == LabelTarget.IstioLabels, interner.String(key), null))
                    {
                        return false;
                    }

                    break;
                case LabelTarget.IstioMetadata when key.SequenceEqual(LabelsUtf8):
                    if (istioLabelsSeen)
                    {
                        return false;
                    }

                    istioLabelsSeen = true;
                    if (kind == 5 && !TryReadStruct(content, interner, ref labels, LabelTarget.IstioLabels, depth + 1))
                    {
                        return false;
                    }

                    break;
            }

            if (kind == 5 && !(target == LabelTarget.IstioMetadata && key.SequenceEqual(LabelsUtf8)) && !TryReadStruct(content, interner, ref labels, LabelTarget.None, depth + 1))
            {
                return false;
            }

            if (kind == 6 && !TryReadList(content, depth + 1))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads a Value: at most one kind field; returns the kind (0 when none) and a string's or message's bytes.</summary>
    private static bool TryReadValue(ReadOnlySpan<byte> bytes, out int kind, out ReadOnlySpan<byte> content, int depth)
    {
        kind = 0;
        content = default;
        var reader = new ProtoWireReader(bytes);
        while (!reader.End)
        {
            if (kind != 0 || !reader.TryReadTag(out var field, out var wire))
            {
                return false;
            }

            kind = field;
            var ok = field switch
            {
                1 or 4 => wire == ProtoWireReader.Varint && reader.TryReadVarint(out _),
                2 => wire == ProtoWireReader.Fixed64 && reader.TrySkip(ProtoWireReader.Fixed64),
                3 => wire == ProtoWireReader.LengthDelimited && reader.TryReadUtf8(out content),
                5 or 6 => wire == ProtoWireReader.LengthDelimited && reader.TryReadBytes(out content) && depth < MaxDepth,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Checks a ListValue { repeated Value values = 1 }.</summary>
    private static bool TryReadList(ReadOnlySpan<byte> bytes, int depth)
    {
        var reader = new ProtoWireReader(bytes);
        var none = default(LabelPairs);
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var field, out var wire) || field != 1 || wire != ProtoWireReader.LengthDelimited
                || !reader.TryReadBytes(out var value) || !TryReadValue(value, out var kind, out var content, depth))
            {
                return false;
            }

            if ((kind == 5 && !TryReadStruct(content, null!, ref none, LabelTarget.None, depth + 1)) || (kind == 6 && !TryReadList(content, depth + 1)))
            {
                return false;
            }
        }

        return true;
    }

    private enum LabelTarget
    {
        None,
        EnvoyLb,
        IstioMetadata,
        IstioLabels,
    }
}
