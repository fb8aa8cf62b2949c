namespace MeshClient.LoadBalancing;

/// <summary>The random numbers of the random strategies, so tests can fix the sequence.</summary>
internal interface IRandomSource
{
    /// <summary>A number from 0 up to, not including, <paramref name="maxExclusive"/>.</summary>
    int Next(int maxExclusive);

    /// <summary>A number from 0.0 up to, not including, 1.0.</summary>
    double NextDouble();
}
