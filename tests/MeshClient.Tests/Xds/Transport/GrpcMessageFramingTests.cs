using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using MeshClient.Xds.Transport;

namespace MeshClient.Tests.Xds.Transport;

public sealed class GrpcMessageFramingTests
{
    // Built by hand from the protocol: flag 0, 4-byte big-endian length, message.
    private static byte[] Frames(params string[] values)
    {
        var bytes = new List<byte>();
        foreach (var value in values)
        {
            var message = new StringValue { Value = value }.ToByteArray();
            bytes.Add(0);
            bytes.AddRange([(byte)(message.Length >> 24), (byte)(message.Length >> 16), (byte)(message.Length >> 8), (byte)message.Length]);
            bytes.AddRange(message);
        }

        return [.. bytes];
    }

    private static async Task<List<string>> ReadAll(Stream stream, int max = GrpcMessageFraming.DefaultMaxReceiveMessageSize)
    {
        var values = new List<string>();
        while (await GrpcMessageFraming.ReadMessageAsync(stream, StringValue.Parser, max, CancellationToken.None) is { } message)
        {
            values.Add(message.Value);
        }

        return values;
    }

    [Fact]
    public async Task Write_sends_flag_big_endian_length_and_message_in_one_write_then_flushes()
    {
        var stream = new RecordingWriteStream();
        var message = new StringValue { Value = new string('a', 300) };

        await GrpcMessageFraming.WriteMessageAsync(stream, message, CancellationToken.None);

        Assert.Equal(["write", "flush"], stream.Operations);
        var bytes = stream.Writes.Single();
        var size = message.CalculateSize();
        Assert.Equal(5 + size, bytes.Length);
        Assert.Equal(new byte[] { 0, 0, 0, (byte)(size >> 8), (byte)size }, bytes[..5]);
        Assert.Equal(message.ToByteArray(), bytes[5..]);
    }

    [Fact]
    public async Task Message_split_across_one_byte_reads_is_reassembled()
    {
        var stream = new ChunkedReadStream(Frames("first", new string('b', 1000), "third"), chunkSize: 1);

        Assert.Equal(["first", new string('b', 1000), "third"], await ReadAll(stream));
        Assert.True(stream.ReadCount > 1000);
    }

    [Fact]
    public async Task Several_messages_in_one_read_are_all_returned()
    {
        var data = Frames("a", "bb", "ccc");
        var stream = new ChunkedReadStream(data, chunkSize: int.MaxValue);

        Assert.Equal(["a", "bb", "ccc"], await ReadAll(stream));
    }

    [Fact]
    public async Task Byte_array_overload_returns_the_raw_message_bytes()
    {
        var stream = new ChunkedReadStream(Frames("abc", ""), chunkSize: 3);

        Assert.Equal(new StringValue { Value = "abc" }.ToByteArray(), await GrpcMessageFraming.ReadMessageAsync(stream, 100, CancellationToken.None));
        var empty = await GrpcMessageFraming.ReadMessageAsync(stream, 100, CancellationToken.None);
        Assert.NotNull(empty);
        Assert.Empty(empty);
        Assert.Null(await GrpcMessageFraming.ReadMessageAsync(stream, 100, CancellationToken.None));
    }

    [Fact]
    public async Task Empty_message_parses_to_the_default_message()
    {
        var stream = new ChunkedReadStream([0, 0, 0, 0, 0], chunkSize: 2);

        Assert.Equal([""], await ReadAll(stream));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(1)]
    public async Task Stream_ending_inside_the_prefix_is_Internal(int chunkSize)
    {
        var stream = new ChunkedReadStream([0, 0, 0], chunkSize);

        var failure = await Assert.ThrowsAsync<GrpcCallException>(() => ReadAll(stream));

        Assert.Equal(GrpcStatusCode.Internal, failure.StatusCode);
        Assert.Contains("prefix", failure.Detail);
    }

    [Fact]
    public async Task Stream_ending_inside_a_message_is_Internal()
    {
        var data = Frames("hello world");
        var stream = new ChunkedReadStream(data[..^3], chunkSize: 4);

        var failure = await Assert.ThrowsAsync<GrpcCallException>(() => ReadAll(stream));

        Assert.Equal(GrpcStatusCode.Internal, failure.StatusCode);
        Assert.Contains("inside a message", failure.Detail);
    }

    [Fact]
    public async Task Compressed_flag_is_Internal_because_no_compression_was_negotiated()
    {
        var data = Frames("zipped?");
        data[0] = 1;

        var failure = await Assert.ThrowsAsync<GrpcCallException>(() => ReadAll(new ChunkedReadStream(data, 64)));

        Assert.Equal(GrpcStatusCode.Internal, failure.StatusCode);
        Assert.Contains("compressed", failure.Detail);
    }

    [Fact]
    public async Task Message_larger_than_the_maximum_is_ResourceExhausted_before_its_body_is_read()
    {
        var data = Frames(new string('x', 200));
        var size = data.Length - GrpcMessageFraming.HeaderSize;

        Assert.Equal([new string('x', 200)], await ReadAll(new ChunkedReadStream(data, 64), max: size));
        var stream = new ChunkedReadStream(data, chunkSize: GrpcMessageFraming.HeaderSize);
        var failure = await Assert.ThrowsAsync<GrpcCallException>(() => ReadAll(stream, max: size - 1));

        Assert.Equal(GrpcStatusCode.ResourceExhausted, failure.StatusCode);
        Assert.Equal(1, stream.ReadCount);
    }

    [Fact]
    public async Task Length_beyond_int_range_is_ResourceExhausted()
    {
        var stream = new ChunkedReadStream([0, 0xFF, 0xFF, 0xFF, 0xFF], chunkSize: 5);

        var failure = await Assert.ThrowsAsync<GrpcCallException>(
            () => GrpcMessageFraming.ReadMessageAsync(stream, int.MaxValue, CancellationToken.None).AsTask());

        Assert.Equal(GrpcStatusCode.ResourceExhausted, failure.StatusCode);
    }
}
