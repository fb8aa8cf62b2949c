namespace MeshClient.LoadBalancing;

/// <summary>Thread-safe random numbers from <see cref="Random.Shared"/>.</summary>
internal sealed class SharedRandomSource : IRandomSource
{
    public static SharedRandomSource Instance { get; } = new();

#pragma warning disable CA5394 // Load balancing needs speed and spread, not unpredictability; no security decision rests on it.
    public int Next(int maxExclusive) => Random.Shared.Next(maxExclusive);

    public double NextDouble() => Random.Shared.NextDouble();
#pragma warning restore CA5394
}
