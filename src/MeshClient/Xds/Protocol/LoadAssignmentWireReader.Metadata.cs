using MeshClient.Registry;

namespace MeshClient.Xds.Protocol;

/// <summary>
/// The fast path's reading of endpoint metadata: the labels of <c>envoy.lb</c> and <c>istio.labels</c>; every other
/// Struct, Value and ListValue is only checked to be what the generated parser would accept.
/// </summary>
internal static partial class LoadAssignmentWireReader
{
    /// <summary>
    /// Reads Metadata { map&lt;string, Struct&gt; filter_metadata = 1 }: the labels of envoy.lb and istio.labels and the
    /// sidecar mark of envoy.transport_socket_match (tlsMode: istio); the rest is only checked.
    /// </summary>
    private static bool TryReadMetadata(ReadOnlySpan<byte> bytes, EndpointInterner interner, ref LabelPairs labels, ref bool istioTls)
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
            else if (key.SequenceEqual(TransportSocketMatchUtf8))
            {
                // A repeated map key: the last entry wins, as in the generated parser.
                istioTls = HasIstioTlsMode(value);
            }
        }

        return true;
    }

    /// <summary>Whether a Struct already checked by <see cref="TryReadStruct"/> has <c>tlsMode</c> = string <c>istio</c> (the last entry of that key wins).</summary>
    private static bool HasIstioTlsMode(ReadOnlySpan<byte> structBytes)
    {
        var istio = false;
        var reader = new ProtoWireReader(structBytes);
        while (!reader.End && reader.TryReadTag(out _, out _) && reader.TryReadBytes(out var entry) && TryReadMapEntry(entry, out var key, out var value))
        {
            if (!key.SequenceEqual(TlsModeUtf8))
            {
                continue;
            }

            // Value { string_value = 3 } (a oneof: the last kind read wins).
            istio = false;
            var inner = new ProtoWireReader(value);
            while (!inner.End && inner.TryReadTag(out var field, out var wire))
            {
                if (field == 3 && wire == ProtoWireReader.LengthDelimited && inner.TryReadBytes(out var text))
                {
                    istio = text.SequenceEqual(IstioUtf8);
                }
                else if (!inner.TrySkip(wire))
                {
                    break;
                }
                else
                {
                    istio = false;
                }
            }
        }

        return istio;
    }

    private static ReadOnlySpan<byte> TransportSocketMatchUtf8 => "envoy.transport_socket_match"u8;

    private static ReadOnlySpan<byte> TlsModeUtf8 => "tlsMode"u8;

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
