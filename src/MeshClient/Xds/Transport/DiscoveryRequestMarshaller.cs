using System.Buffers;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using Grpc.Core;
using MeshClient.Xds.Protos.Discovery;

namespace MeshClient.Xds.Transport;

/// <summary>
/// Encodes the state-of-the-world <see cref="DiscoveryRequest"/>s of the transport's calls to the same bytes as the
/// protobuf encoder, keeping the encoded resource_names of the last request: a state-of-the-world ACK repeats every
/// subscribed name (10,000 at mesh scale, about 470 KB), and the names change only when the subscription does. An ACK
/// then costs a reference comparison of its names with the cached ones (the subscription hands the same strings to
/// every request) and a copy of the cached block into the call's buffer, not two UTF-8 passes over every name and a
/// fresh buffer of the whole message.
/// </summary>
/// <remarks>
/// The protobuf encoding writes fields in number order: version_info (1) and node (2), then resource_names (3), then
/// type_url (4), response_nonce (5) and error_detail (6), so the message is the encoding of the fields before the
/// names, the cached names block, and the encoding of the fields after them. A request that carries fields this type
/// does not know (unknown fields kept from parsing) is encoded whole by protobuf. Thread-safe: the cache is one
/// immutable entry swapped whole.
/// </remarks>
internal sealed class DiscoveryRequestMarshaller
{
    /// <summary>Below this many names the block is encoded per request: there is nothing worth keeping.</summary>
    internal const int MinimumCachedNames = 16;

    private NamesBlock? _cached;
    private int _blocksEncoded;

    public DiscoveryRequestMarshaller()
    {
        Marshaller = Marshallers.Create<DiscoveryRequest>(Serialize, static context => DiscoveryRequest.Parser.ParseFrom(context.PayloadAsReadOnlySequence()));
    }

    /// <summary>The gRPC marshaller of the transport's state-of-the-world requests.</summary>
    public Marshaller<DiscoveryRequest> Marshaller { get; }

    /// <summary>How many times the names block was encoded (tests: an ACK with unchanged names reuses the block).</summary>
    internal int BlocksEncoded => Volatile.Read(ref _blocksEncoded);

    private void Serialize(DiscoveryRequest request, SerializationContext context)
    {
        var names = request.ResourceNames;
        if (names.Count < MinimumCachedNames || UnknownFields(request) is not null)
        {
            context.SetPayloadLength(request.CalculateSize());
            request.WriteTo(context.GetBufferWriter());
            context.Complete();
            return;
        }

        var block = BlockOf(names);
        var before = new DiscoveryRequest { VersionInfo = request.VersionInfo, Node = request.Node };
        var after = new DiscoveryRequest { TypeUrl = request.TypeUrl, ResponseNonce = request.ResponseNonce, ErrorDetail = request.ErrorDetail };
        var beforeSize = before.CalculateSize();
        var afterSize = after.CalculateSize();
        context.SetPayloadLength(beforeSize + block.Length + afterSize);
        var output = context.GetBufferWriter();
        before.WriteTo(output);
        output.Write(block);
        after.WriteTo(output);
        context.Complete();
    }

    /// <summary>The encoded resource_names fields of <paramref name="names"/>: the cached block when it holds the same strings.</summary>
    private byte[] BlockOf(Google.Protobuf.Collections.RepeatedField<string> names)
    {
        if (Volatile.Read(ref _cached) is { } cached && cached.Holds(names))
        {
            return cached.Bytes;
        }

        var next = NamesBlock.Encode(names);
        Interlocked.Increment(ref _blocksEncoded);
        Volatile.Write(ref _cached, next);
        return next.Bytes;
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_unknownFields")]
    private static extern ref UnknownFieldSet? UnknownFields(DiscoveryRequest request);

    /// <summary>The names of one subscription (the strings themselves) and their encoded resource_names fields.</summary>
    private sealed class NamesBlock(string[] names, byte[] bytes)
    {
        public byte[] Bytes { get; } = bytes;

        /// <summary>
        /// Whether <paramref name="requested"/> are these names in this order: by reference first (the subscription
        /// hands the same strings to every request), by value when the reference differs.
        /// </summary>
        public bool Holds(Google.Protobuf.Collections.RepeatedField<string> requested)
        {
            if (requested.Count != names.Length)
            {
                return false;
            }

            for (var i = 0; i < names.Length; i++)
            {
                var name = requested[i];
                if (!ReferenceEquals(name, names[i]) && !string.Equals(name, names[i], StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }

        public static NamesBlock Encode(Google.Protobuf.Collections.RepeatedField<string> names)
        {
            var copy = new string[names.Count];
            names.CopyTo(copy, 0);
            var size = 0;
            foreach (var name in copy)
            {
                size += 1 + CodedOutputStream.ComputeStringSize(name);
            }

            var bytes = new byte[size];
            var output = new CodedOutputStream(bytes);
            foreach (var name in copy)
            {
                output.WriteTag(DiscoveryRequest.ResourceNamesFieldNumber, WireFormat.WireType.LengthDelimited);
                output.WriteString(name);
            }

            output.CheckNoSpaceLeft();
            return new NamesBlock(copy, bytes);
        }
    }
}
