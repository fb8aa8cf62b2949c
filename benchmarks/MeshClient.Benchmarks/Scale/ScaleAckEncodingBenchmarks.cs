using System.Buffers;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Grpc.Core;
using MeshClient.Xds.Protocol;
using MeshClient.Xds.Protos.Discovery;
using MeshClient.Xds.Transport;

namespace MeshClient.Benchmarks.Scale;

/// <summary>
/// Issue 12, the client's part of a state-of-the-world ACK at 10,000 EDS clusters (it follows every push, so its CPU
/// competes with the routing thread on two cores): serializing the ACK into the call's buffer the way the generated
/// gRPC marshaller does (protobuf's size pass and encoding of every name) against the transport's
/// <see cref="DiscoveryRequestMarshaller"/> (the subscription's encoded names kept). Both write into one reused
/// buffer, as Grpc.Net.Client writes into a pooled one.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ScalePushConfig))]
public class ScaleAckEncodingBenchmarks
{
    private readonly BufferContext _context = new();
    private readonly DiscoveryRequestMarshaller _marshaller = new();
    private XdsSubscriptionState _subscription = null!;
    private int _nonce;

    [Params(10_000)]
    public int Clusters { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _subscription = new XdsSubscriptionState(XdsTypeUrls.ClusterLoadAssignmentV3);
        _subscription.SetResourceNames(Enumerable.Range(0, Clusters).Select(ScaleMesh.ClusterName));
        _marshaller.Marshaller.ContextualSerializer(NextAck(), _context);
    }

    /// <summary>The generated marshaller's way: CalculateSize, then WriteTo the buffer writer.</summary>
    [Benchmark(Baseline = true)]
    public int ProtobufEncoding()
    {
        var ack = NextAck();
        _context.SetPayloadLength(ack.CalculateSize());
        ack.WriteTo(_context.GetBufferWriter());
        _context.Complete();
        return _context.Written;
    }

    /// <summary>The transport's marshaller: the cached names block between the fields before and after it.</summary>
    [Benchmark]
    public int CachedNamesBlock()
    {
        _marshaller.Marshaller.ContextualSerializer(NextAck(), _context);
        return _context.Written;
    }

    private DiscoveryRequest NextAck()
    {
        var nonce = (++_nonce).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return _subscription.Ack(new DiscoveryResponse { TypeUrl = XdsTypeUrls.ClusterLoadAssignmentV3, VersionInfo = "v" + nonce, Nonce = nonce });
    }

    /// <summary>A serialization context over one reused buffer.</summary>
    private sealed class BufferContext : SerializationContext
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(1 << 20);

        public int Written { get; private set; }

        public override void SetPayloadLength(int payloadLength) => _buffer.ResetWrittenCount();

        public override IBufferWriter<byte> GetBufferWriter() => _buffer;

        public override void Complete() => Written = _buffer.WrittenCount;

        public override void Complete(byte[] payload) => Written = payload.Length;
    }
}
