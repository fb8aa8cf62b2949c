using MeshClient.LoadBalancing;

namespace MeshClient.Tests.Routing;

/// <summary>A fixed-seed random source, so statistical tests always see the same numbers.</summary>
internal sealed class SeededRandomSource(int seed) : IRandomSource
{
    private readonly Random _random = new(seed);
    private readonly object _gate = new();

    public int Next(int maxExclusive)
    {
        lock (_gate)
        {
            return _random.Next(maxExclusive);
        }
    }

    public double NextDouble()
    {
        lock (_gate)
        {
            return _random.NextDouble();
        }
    }
}
