namespace MeshClient.Http;

/// <summary>The read stream of an <see cref="InFlightContent"/>: releases the call at the end of the content or when disposed.</summary>
internal sealed class InFlightStream : Stream
{
    private readonly Stream _inner;
    private readonly InFlightContent _owner;

    public InFlightStream(Stream inner, InFlightContent owner)
    {
        _inner = inner;
        _owner = owner;
    }

    public override bool CanRead => _inner.CanRead;

    public override bool CanSeek => _inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => _inner.Length;

    public override long Position
    {
        get => _inner.Position;
        set => _inner.Position = value;
    }

    public override int Read(byte[] buffer, int offset, int count) => Ended(_inner.Read(buffer, offset, count), count);

    public override int Read(Span<byte> buffer) => Ended(_inner.Read(buffer), buffer.Length);

    public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Ended(await _inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).ConfigureAwait(false), count);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Ended(await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false), buffer.Length);

    public override async Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken)
    {
        await _inner.CopyToAsync(destination, bufferSize, cancellationToken).ConfigureAwait(false);
        _owner.Release();
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _owner.Release();
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        _owner.Release();
        await _inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>A read of 0 bytes into a non-empty buffer is the end of the content.</summary>
    private int Ended(int read, int requested)
    {
        if (read == 0 && requested > 0)
        {
            _owner.Release();
        }

        return read;
    }
}
