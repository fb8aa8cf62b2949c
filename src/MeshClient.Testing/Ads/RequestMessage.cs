using System.Buffers;
using Grpc.Core;

namespace MeshClient.Testing.Ads;

/// <summary>
/// One request message as Grpc.AspNetCore received it: its bytes in a buffer rented from the shared array pool, given
/// back once the stream has parsed it (<see cref="Return"/>). A state-of-the-world ACK repeats every subscribed name,
/// about 470 KB at 10,000 clusters: a fresh array per ACK was a large-object allocation per push and, over pushes,
/// blocking gen2 collections of the whole process (a quarter of a second each with a mesh of that size loaded).
/// </summary>
internal sealed class RequestMessage
{
    /// <summary>Requests are read into pooled buffers; FakePilot never sends one, but a gRPC method needs both directions.</summary>
    public static readonly Marshaller<RequestMessage> Marshaller = Marshallers.Create<RequestMessage>(
        static (message, context) => context.Complete(message.Span.ToArray()),
        static context => Read(context.PayloadAsReadOnlySequence()));

    private readonly int _length;
    private byte[]? _buffer;

    private RequestMessage(byte[] buffer, int length)
    {
        _buffer = buffer;
        _length = length;
    }

    /// <summary>The message bytes; valid until <see cref="Return"/>.</summary>
    /// <exception cref="ObjectDisposedException">The buffer was given back.</exception>
    public ReadOnlySpan<byte> Span => (_buffer ?? throw new ObjectDisposedException(nameof(RequestMessage), "The request's buffer went back to the pool.")).AsSpan(0, _length);

    /// <summary>Copies <paramref name="payload"/> into a rented buffer.</summary>
    public static RequestMessage Read(ReadOnlySequence<byte> payload)
    {
        var length = checked((int)payload.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        payload.CopyTo(buffer);
        return new RequestMessage(buffer, length);
    }

    /// <summary>Gives the buffer back to the pool; the first call only.</summary>
    public void Return()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
