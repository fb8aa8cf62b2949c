using System.Buffers.Binary;
using Google.Protobuf;

namespace MeshClient.Xds.Transport;

/// <summary>
/// gRPC length-prefixed messages: a compressed flag byte, a 4-byte big-endian length, then the message.
/// Used by the client transport and by the fake Pilot's server side.
/// </summary>
internal static class GrpcMessageFraming
{
    /// <summary>The size of the prefix before each message.</summary>
    public const int HeaderSize = 5;

    /// <summary>The default maximum size of a received message: 64 MiB.</summary>
    public const int DefaultMaxReceiveMessageSize = 64 * 1024 * 1024;

    /// <summary>Writes one uncompressed message with its prefix.</summary>
    public static async Task WriteMessageAsync(Stream stream, IMessage message, CancellationToken cancellationToken)
    {
        var size = message.CalculateSize();
        var buffer = new byte[HeaderSize + size];
        buffer[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(1, 4), (uint)size);
        message.WriteTo(buffer.AsSpan(HeaderSize));
        await stream.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads one message, however the bytes are split across reads.
    /// </summary>
    /// <returns>The message bytes, or <see langword="null"/> when the stream ended cleanly before a new message.</returns>
    /// <exception cref="GrpcCallException">
    /// ResourceExhausted when the message is larger than <paramref name="maxMessageSize"/>; Internal when the stream
    /// ends inside a message or the message is compressed (no compression is negotiated).
    /// </exception>
    public static async ValueTask<byte[]?> ReadMessageAsync(Stream stream, int maxMessageSize, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderSize];
        var read = await ReadFullyAsync(stream, header, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            return null;
        }

        if (read < HeaderSize)
        {
            throw new GrpcCallException(GrpcStatusCode.Internal, $"The stream ended inside a message prefix ({read} of {HeaderSize} bytes).");
        }

        if (header[0] != 0)
        {
            throw new GrpcCallException(GrpcStatusCode.Internal, "Received a compressed message, but no compression was negotiated.");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
        if (length > (uint)maxMessageSize)
        {
            throw new GrpcCallException(GrpcStatusCode.ResourceExhausted, $"Received message larger than max ({length} vs. {maxMessageSize}).");
        }

        var message = new byte[length];
        read = await ReadFullyAsync(stream, message, cancellationToken).ConfigureAwait(false);
        if (read < length)
        {
            throw new GrpcCallException(GrpcStatusCode.Internal, $"The stream ended inside a message ({read} of {length} bytes).");
        }

        return message;
    }

    private static async ValueTask<int> ReadFullyAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer[total..], cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
