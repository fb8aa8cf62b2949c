namespace MeshClient.EndToEnd.Tests.Xds;

/// <summary>
/// A logical clock that orders events across threads without reading time: each <see cref="Tick"/> is a unique,
/// increasing number. An event that read <see cref="Now"/> as <c>n</c> happened before every event whose tick is
/// greater than <c>n</c>, and after every event whose tick is at most <c>n</c>.
/// </summary>
internal sealed class OrderClock
{
    private long _now;

    /// <summary>The last tick taken so far.</summary>
    public long Now => Interlocked.Read(ref _now);

    /// <summary>Takes the next tick.</summary>
    public long Tick() => Interlocked.Increment(ref _now);
}
