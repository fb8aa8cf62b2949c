using System.Collections.Immutable;
using MeshClient.Registry;

namespace MeshClient.Xds.Protocol;

/// <summary>
/// The fast path of EDS decoding: reads a ClusterLoadAssignment straight from its bytes into <see cref="MeshEndpoint"/>s
/// without building the protobuf object graph (a Struct tree per endpoint's metadata is most of the cost of the
/// generated parser). It takes only what it can read exactly as the generated parser and
/// <see cref="EndpointResourceDecoder.ToEndpoints"/> would: well-formed, every singular field once, only the fields of
/// the schema, every endpoint valid and within the limits. Anything else (malformed bytes, unknown or repeated fields,
/// an invalid endpoint, a skipped address kind) makes it give up, and the resource takes the generated parser's path,
/// which accepts, rejects and words errors as before. So the result never differs; only the cost does.
/// </summary>
internal static partial class LoadAssignmentWireReader
{
    private const string EnvoyLb = EndpointResourceDecoder.EnvoyLbMetadataKey;
    private const string Istio = EndpointResourceDecoder.IstioMetadataKey;

    /// <summary>Reads a ClusterLoadAssignment, or returns <see langword="false"/> for the generated parser to handle it.</summary>
    public static bool TryRead(ReadOnlySpan<byte> bytes, XdsResourceLimits limits, EndpointInterner interner, out string name, out ImmutableArray<MeshEndpoint> endpoints)
    {
        name = string.Empty;
        endpoints = default;
        var builder = ImmutableArray.CreateBuilder<MeshEndpoint>();
        var reader = new ProtoWireReader(bytes);
        var nameSeen = false;
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var field, out var wire))
            {
                return false;
            }

            if (field == 1 && wire == ProtoWireReader.LengthDelimited && !nameSeen)
            {
                if (!reader.TryReadUtf8(out var utf8))
                {
                    return false;
                }

                name = ProtoWireReader.Decode(utf8);
                nameSeen = true;
            }
            else if (field == 2 && wire == ProtoWireReader.LengthDelimited)
            {
                if (!reader.TryReadBytes(out var group) || !TryReadGroup(group, limits, interner, builder))
                {
                    return false;
                }
            }
            else
            {
                return false;
            }

            if (builder.Count > limits.MaxEndpointsPerCluster)
            {
                return false;
            }
        }

        endpoints = builder.DrainToImmutable();
        return true;
    }

    private static bool TryReadGroup(ReadOnlySpan<byte> bytes, XdsResourceLimits limits, EndpointInterner interner, ImmutableArray<MeshEndpoint>.Builder builder)
    {
        // Fields may come in any order: the endpoints are read once the locality, weight and priority are known.
        var reader = new ProtoWireReader(bytes);
        var locality = EndpointLocality.None;
        uint localityWeight = 1;
        uint priority = 0;
        var seen = 0;
        var count = 0;
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var field, out var wire))
            {
                return false;
            }

            switch (field)
            {
                case 1 when wire == ProtoWireReader.LengthDelimited && Once(ref seen, 1):
                    if (!reader.TryReadBytes(out var place) || !TryReadLocality(place, interner, out locality))
                    {
                        return false;
                    }

                    break;
                case 2 when wire == ProtoWireReader.LengthDelimited:
                    if (!reader.TryReadBytes(out _))
                    {
                        return false;
                    }

                    count++;
                    break;
                case 3 when wire == ProtoWireReader.LengthDelimited && Once(ref seen, 2):
                    if (!reader.TryReadBytes(out var weight) || !TryReadUInt32Value(weight, out localityWeight))
                    {
                        return false;
                    }

                    break;
                case 5 when wire == ProtoWireReader.Varint && Once(ref seen, 4):
                    if (!reader.TryReadUInt32(out priority))
                    {
                        return false;
                    }

                    break;
                default:
                    return false;
            }
        }

        if (count == 0)
        {
            return true;
        }

        // The first pass checked every field, so this one only picks the endpoints out.
        var endpoints = new ProtoWireReader(bytes);
        while (!endpoints.End)
        {
            endpoints.TryReadTag(out var field, out var wire);
            if (field != 2)
            {
                endpoints.TrySkip(wire);
                continue;
            }

            endpoints.TryReadBytes(out var value);
            if (!TryReadEndpoint(value, locality, localityWeight, priority, limits, interner, out var endpoint))
            {
                return false;
            }

            builder.Add(endpoint);
        }

        return true;
    }

    private static bool Once(ref int seen, int bit)
    {
        if ((seen & bit) != 0)
        {
            return false;
        }

        seen |= bit;
        return true;
    }

    private static bool TryReadLocality(ReadOnlySpan<byte> bytes, EndpointInterner interner, out EndpointLocality locality)
    {
        locality = EndpointLocality.None;
        var reader = new ProtoWireReader(bytes);
        ReadOnlySpan<byte> region = default, zone = default, subZone = default;
        var seen = 0;
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var field, out var wire) || wire != ProtoWireReader.LengthDelimited || field is < 1 or > 3 || !Once(ref seen, 1 << field))
            {
                return false;
            }

            if (!reader.TryReadUtf8(out var value))
            {
                return false;
            }

            _ = field switch
            {
                1 => region = value,
                2 => zone = value,
                _ => subZone = value,
            };
        }

        locality = interner.Locality(interner.String(region), interner.String(zone), interner.String(subZone));
        return true;
    }

    private static bool TryReadUInt32Value(ReadOnlySpan<byte> bytes, out uint value)
    {
        value = 0;
        var reader = new ProtoWireReader(bytes);
        var seen = 0;
        while (!reader.End)
        {
            if (!reader.TryReadTag(out var field, out var wire) || field != 1 || wire != ProtoWireReader.Varint || !Once(ref seen, 1) || !reader.TryReadUInt32(out value))
            {
                return false;
            }
        }

        return true;
    }
}
