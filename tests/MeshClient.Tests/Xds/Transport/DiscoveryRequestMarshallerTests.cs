using System.Buffers;
using System.Collections.Immutable;
using CsCheck;
using Google.Protobuf;
using Grpc.Core;
using MeshClient.Xds.Protocol;
using MeshClient.Xds.Protos.Core;
using MeshClient.Xds.Protos.Discovery;
using MeshClient.Xds.Transport;
using static MeshClient.Tests.Xds.Transport.GrpcTestServer;
using RpcStatus = MeshClient.Xds.Protos.Rpc.Status;

namespace MeshClient.Tests.Xds.Transport;

/// <summary>
/// The transport's state-of-the-world request marshaller writes the protobuf encoding of each request, byte for byte,
/// while keeping the encoded names of the subscription: across subscription changes, NACKs, new streams and requests
/// it does not know all fields of, in memory and on the wire to a real Grpc.AspNetCore server.
/// </summary>
public sealed class DiscoveryRequestMarshallerTests
{
    private static readonly string[] NamePool =
    [
        "outbound|9080||reviews.default.svc.cluster.local", "outbound|9080|v1|reviews.default.svc.cluster.local",
        "outbound|80||ratings.prod.svc.cluster.local", "outbound|8080||svc1.ns1.svc.cluster.local", "x", "",
        "outbound|443||caf\u00e9.default.svc.cluster.local", "outbound|8080||\u4e2d\u6587.ns.svc.cluster.local",
    ];

    [Fact]
    public void Requests_of_one_subscription_through_acks_nacks_changes_and_new_streams_encode_as_protobuf_does()
    {
        var gen = Gen.Select(Gen.Int[0, 5], Gen.Int[0, 40], Gen.Int[0, 3], Gen.String.AlphaNumeric).Array[1, 12];
        gen.Sample(steps =>
        {
            var marshaller = new DiscoveryRequestMarshaller();
            var subscription = new XdsSubscriptionState(XdsTypeUrls.ClusterLoadAssignmentV3);
            var nonce = 0;
            foreach (var (kind, count, pick, text) in steps)
            {
                DiscoveryRequest request;
                switch (kind)
                {
                    case 0:
                        subscription.SetResourceNames(Names(count, pick));
                        request = subscription.CreateRequest(pick == 0 ? new Node { Id = "sidecar~10.0.0.1~" + text + "~default.svc.cluster.local" } : null);
                        break;
                    case 1:
                        subscription.ChangeResourceNames(Names(count % 7, pick + 1), Names(count % 5, pick));
                        request = subscription.CreateRequest();
                        break;
                    case 2:
                        subscription.StartStream();
                        request = subscription.CreateRequest(new Node { Id = text });
                        break;
                    case 3:
                        request = subscription.Nack(Response(++nonce, text), "bad resource " + text);
                        break;
                    default:
                        request = subscription.Ack(Response(++nonce, text));
                        break;
                }

                Assert.Equal(request.ToByteArray(), Serialize(marshaller, request));
            }
        });
    }

    [Fact]
    public void An_ack_that_repeats_the_names_reuses_their_encoding_and_a_change_encodes_them_again()
    {
        var marshaller = new DiscoveryRequestMarshaller();
        var subscription = new XdsSubscriptionState(XdsTypeUrls.ClusterLoadAssignmentV3);
        subscription.SetResourceNames(Enumerable.Range(0, 1_000).Select(i => $"outbound|8080||svc{i}.ns.svc.cluster.local"));

        var first = subscription.CreateRequest();
        Assert.Equal(first.ToByteArray(), Serialize(marshaller, first));
        for (var i = 1; i <= 3; i++)
        {
            var ack = subscription.Ack(Response(i, "v" + i));
            Assert.Equal(ack.ToByteArray(), Serialize(marshaller, ack));
        }

        Assert.Equal(1, marshaller.BlocksEncoded);

        subscription.ChangeResourceNames(["outbound|8080||added.ns.svc.cluster.local"], ["outbound|8080||svc7.ns.svc.cluster.local"]);
        var changed = subscription.CreateRequest();
        Assert.Equal(changed.ToByteArray(), Serialize(marshaller, changed));
        Assert.Equal(2, marshaller.BlocksEncoded);

        // Equal names in other string instances (a request built elsewhere) still match the block by value.
        var copy = new DiscoveryRequest { TypeUrl = changed.TypeUrl, VersionInfo = "v9", ResponseNonce = "n9" };
        copy.ResourceNames.AddRange(changed.ResourceNames.Select(n => new string(n.AsSpan())));
        Assert.Equal(copy.ToByteArray(), Serialize(marshaller, copy));
        Assert.Equal(2, marshaller.BlocksEncoded);

        // The same number of names with one changed in place is a different block.
        copy.ResourceNames[500] = "outbound|8080||other.ns.svc.cluster.local";
        Assert.Equal(copy.ToByteArray(), Serialize(marshaller, copy));
        Assert.Equal(3, marshaller.BlocksEncoded);
    }

    [Fact]
    public void A_request_with_fields_the_client_does_not_know_is_encoded_whole_with_them()
    {
        var known = new DiscoveryRequest { TypeUrl = XdsTypeUrls.ClusterLoadAssignmentV3, VersionInfo = "1", ResponseNonce = "n" };
        known.ResourceNames.AddRange(Names(30, 1));
        var bytes = known.ToByteArray();

        // Field 99 (varint 7) is unknown to this DiscoveryRequest: parsing keeps it, and encoding must write it back.
        byte[] withUnknown = [.. bytes, 0x98, 0x06, 0x07];
        var parsed = DiscoveryRequest.Parser.ParseFrom(withUnknown);
        var marshaller = new DiscoveryRequestMarshaller();

        Assert.Equal(parsed.ToByteArray(), Serialize(marshaller, parsed));
        Assert.Equal(withUnknown.Length, Serialize(marshaller, parsed).Length);
        Assert.Equal(0, marshaller.BlocksEncoded);
    }

    [Fact]
    public void The_fields_the_marshaller_splits_around_the_names_are_every_field_of_DiscoveryRequest()
    {
        // The marshaller writes version_info and node, the names, then type_url, response_nonce and error_detail:
        // a field added to the message would be dropped, so its addition must fail here.
        var fields = DiscoveryRequest.Descriptor.Fields.InFieldNumberOrder().Select(f => (f.FieldNumber, f.Name));
        Assert.Equal([(1, "version_info"), (2, "node"), (3, "resource_names"), (4, "type_url"), (5, "response_nonce"), (6, "error_detail")], fields);
    }

    [Fact]
    public async Task Acks_over_the_real_transport_arrive_as_the_protobuf_encoding_of_each_request()
    {
        var received = new List<byte[]>();
        var done = NewSignal<bool>();
        await using var server = await StartAsync(async (requests, _, _) =>
        {
            while (await requests.MoveNext().WaitAsync(Bound))
            {
                received.Add(requests.Current);
                if (received.Count == 4)
                {
                    done.TrySetResult(true);
                }
            }
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartAds();
        var subscription = new XdsSubscriptionState(XdsTypeUrls.ClusterLoadAssignmentV3);
        subscription.SetResourceNames(Enumerable.Range(0, 2_000).Select(i => $"outbound|8080||svc{i}.ns{i % 7}.svc.cluster.local"));

        var expected = new List<byte[]>();
        async Task SendAsync(DiscoveryRequest request)
        {
            expected.Add(request.ToByteArray());
            await call.WriteBoundedAsync(request);
        }

        await SendAsync(subscription.CreateRequest(new Node { Id = "sidecar~10.0.0.1~app-1.default~default.svc.cluster.local" }));
        await SendAsync(subscription.Ack(Response(1, "v1")));
        await SendAsync(subscription.Nack(Response(2, "v2"), "EDS resource \"x\": bad"));
        subscription.ChangeResourceNames(["outbound|8080||new.ns.svc.cluster.local"], []);
        await SendAsync(subscription.CreateRequest());
        await done.Task.WaitAsync(Bound);

        Assert.Equal(expected, received);
        Assert.Equal(2_001, DiscoveryRequest.Parser.ParseFrom(received[3]).ResourceNames.Count);
        Assert.Equal(XdsSubscriptionState.InvalidArgumentCode, RpcStatusCode(received[2]));
    }

    private static int RpcStatusCode(byte[] request) => DiscoveryRequest.Parser.ParseFrom(request).ErrorDetail.Code;

    private static DiscoveryResponse Response(int nonce, string version) =>
        new() { TypeUrl = XdsTypeUrls.ClusterLoadAssignmentV3, VersionInfo = version, Nonce = "nonce-" + nonce };

    private static ImmutableArray<string> Names(int count, int pick) =>
        [.. Enumerable.Range(0, count).Select(i => i % 3 == 0 ? NamePool[(i + pick) % NamePool.Length] + i : NamePool[(i * pick) % NamePool.Length])];

    private static byte[] Serialize(DiscoveryRequestMarshaller marshaller, DiscoveryRequest request)
    {
        var context = new BufferSerializationContext();
        marshaller.Marshaller.ContextualSerializer(request, context);
        return context.Written;
    }

    /// <summary>A serialization context like Grpc.Net.Client's: the payload length first, then the buffer writer.</summary>
    private sealed class BufferSerializationContext : SerializationContext
    {
        private readonly ArrayBufferWriter<byte> _buffer = new();
        private int? _length;
        private byte[]? _completed;

        public byte[] Written => _completed ?? throw new InvalidOperationException("The serializer did not complete.");

        public override void SetPayloadLength(int payloadLength) => _length = payloadLength;

        public override IBufferWriter<byte> GetBufferWriter() => _buffer;

        public override void Complete()
        {
            _completed = _buffer.WrittenSpan.ToArray();
            Assert.Equal(_length, _completed.Length);
        }

        public override void Complete(byte[] payload) => _completed = payload;
    }
}
