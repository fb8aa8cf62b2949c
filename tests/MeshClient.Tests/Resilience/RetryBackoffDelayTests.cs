using MeshClient;
using MeshClient.LoadBalancing;
using MeshClient.Resilience;

namespace MeshClient.Tests.Resilience;

/// <summary>The delay before each retry, per go-chassis backoff kind.</summary>
public sealed class RetryBackoffDelayTests
{
    private static readonly TimeSpan Min = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Max = TimeSpan.FromMilliseconds(1000);

    [Fact]
    public void Zero_never_waits()
    {
        var settings = Settings(MeshRetryBackoff.Zero);
        Assert.All(Enumerable.Range(0, 5), i => Assert.Equal(TimeSpan.Zero, RetryBackoffDelay.Compute(settings, i, new FixedRandom(0.7))));
    }

    [Fact]
    public void Constant_always_waits_the_minimum()
    {
        var settings = Settings(MeshRetryBackoff.Constant);
        Assert.All(Enumerable.Range(0, 5), i => Assert.Equal(Min, RetryBackoffDelay.Compute(settings, i, new FixedRandom(0.7))));
    }

    [Theory]
    [InlineData(0.0, 100)]
    [InlineData(0.5, 550)]
    [InlineData(0.999, 999.1)]
    public void Jittered_is_uniform_between_the_minimum_and_the_maximum(double random, double expectedMilliseconds)
    {
        var delay = RetryBackoffDelay.Compute(Settings(MeshRetryBackoff.Jittered), 3, new FixedRandom(random));
        Assert.Equal(expectedMilliseconds, delay.TotalMilliseconds, 3);
    }

    [Fact]
    public void Jittered_with_real_random_numbers_stays_in_range_and_varies()
    {
        var settings = Settings(MeshRetryBackoff.Jittered);
        var delays = Enumerable.Range(0, 200).Select(i => RetryBackoffDelay.Compute(settings, i, SharedRandomSource.Instance)).ToArray();
        Assert.All(delays, d => Assert.InRange(d, Min, Max));
        Assert.True(delays.Distinct().Count() > 100);
    }

    [Fact]
    public void Exponential_doubles_from_the_minimum_up_to_the_maximum()
    {
        var settings = Settings(MeshRetryBackoff.Exponential);
        var delays = Enumerable.Range(0, 8).Select(i => (int)RetryBackoffDelay.Compute(settings, i, new FixedRandom(0.5)).TotalMilliseconds);
        Assert.Equal([100, 200, 400, 800, 1000, 1000, 1000, 1000], delays);
        Assert.Equal(Max, RetryBackoffDelay.Compute(settings, int.MaxValue, new FixedRandom(0.5)));
    }

    private static RetrySettings Settings(MeshRetryBackoff kind) => new(true, 0, 5, kind, Min, Max, false);

    private sealed class FixedRandom(double value) : IRandomSource
    {
        public int Next(int maxExclusive) => (int)(value * maxExclusive);

        public double NextDouble() => value;
    }
}
