using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace MeshClient.Xds.Transport;

/// <summary>
/// gRPC length-prefixed messages: a compressed flag byte, a 4-byte big-endian length, then the message.
/// Used by the client transport and by the fake Pilot's server side. Buffers come from <see cref="ArrayPool{T}"/>.
/// </summary>
internal static class GrpcMessageFraming
{
    /// <summary>The size of the prefix before each message.</summary>
    public const int HeaderSize = 5;

    /// <summary>The default maximum size of a received message: 64 MiB.</summary>
    public const int DefaultMaxReceiveMessageSize = 64 * 1024 * 1024;

    /// <summary>Writes one uncompressed message with its prefix in a single write, then flushes.</summary>
    public static async Task WriteMessageAsync(Stream stream, IMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(message);
        var size = message.CalculateSize();
        var buffer = ArrayPool<byte>.Shared.Rent(HeaderSize + size);
        try
        {
            buffer[0] = 0;
            BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(1, 4), (uint)size);
            message.WriteTo(buffer.AsSpan(HeaderSize, size));
            await stream.WriteAsync(buffer.AsMemory(0, HeaderSize + size), cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
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
        ArgumentNullException.ThrowIfNull(stream);
        var length = await ReadPrefixAsync(stream, maxMessageSize, cancellationToken).ConfigureAwait(false);
        if (length < 0)
        {
            return null;
        }

        var message = new byte[length];
        await ReadBodyAsync(stream, message.AsMemory(), cancellationToken).ConfigureAwait(false);
        return message;
    }

    /// <summary>
    /// Reads and parses one message through a pooled buffer, however the bytes are split across reads.
    /// </summary>
    /// <returns>The message, or <see langword="null"/> when the stream ended cleanly before a new message.</returns>
    /// <exception cref="GrpcCallException">As <see cref="ReadMessageAsync(Stream, int, CancellationToken)"/>.</exception>
    /// <exception cref="InvalidProtocolBufferException">The bytes are not a valid <typeparamref name="T"/>.</exception>
    public static async ValueTask<T?> ReadMessageAsync<T>(Stream stream, MessageParser<T> parser, int maxMessageSize, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(parser);
        var length = await ReadPrefixAsync(stream, maxMessageSize, cancellationToken).ConfigureAwait(false);
        if (length < 0)
        {
            return null;
        }

        if (length == 0)
        {
            return parser.ParseFrom(ReadOnlySpan<byte>.Empty);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            await ReadBodyAsync(stream, buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            return parser.ParseFrom(new ReadOnlySpan<byte>(buffer, 0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <returns>The message length, or -1 at a clean end of stream.</returns>
    private static async ValueTask<int> ReadPrefixAsync(Stream stream, int maxMessageSize, CancellationToken cancellationToken)
    {
        var header = ArrayPool<byte>.Shared.Rent(HeaderSize);
        try
        {
            var read = await ReadFullyAsync(stream, header.AsMemory(0, HeaderSize), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return -1;
            }

            if (read < HeaderSize)
            {
                throw new GrpcCallException(GrpcStatusCode.Internal, $"The stream ended inside a message prefix ({read} of {HeaderSize} bytes).");
            }

            if (header[0] != 0)
            {
                throw new GrpcCallException(
                    GrpcStatusCode.Internal,
                    header[0] == 1
                        ? "Received a compressed message, but no compression was negotiated."
                        : $"Received a message with an invalid compressed flag ({header[0]}).");
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1, 4));
            if (length > (uint)maxMessageSize)
            {
                throw new GrpcCallException(GrpcStatusCode.ResourceExhausted, $"Received message larger than max ({length} vs. {maxMessageSize}).");
            }

            return (int)length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(header);
        }
    }

    private static async ValueTask ReadBodyAsync(Stream stream, Memory<byte> body, CancellationToken cancellationToken)
    {
        var read = await ReadFullyAsync(stream, body, cancellationToken).ConfigureAwait(false);
        if (read < body.Length)
        {
            throw new GrpcCallException(GrpcStatusCode.Internal, $"The stream ended inside a message ({read} of {body.Length} bytes).");
        }
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
