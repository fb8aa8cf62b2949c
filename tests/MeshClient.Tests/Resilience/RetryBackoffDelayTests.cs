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

    [Fact]
    public void A_negative_retry_index_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RetryBackoffDelay.Compute(Settings(MeshRetryBackoff.Exponential), -1, new FixedRandom(0.5)));
    }

    [Fact]
    public void Exponential_takes_the_maximum_once_doubling_would_pass_it_even_by_one_tick()
    {
        // 500 ticks doubles to 1000, within 1001; 1000 doubled would pass it, so the next delay is the maximum itself.
        var settings = new RetrySettings(true, 0, 5, MeshRetryBackoff.Exponential, TimeSpan.FromTicks(500), TimeSpan.FromTicks(1001), false);
        var delays = Enumerable.Range(0, 4).Select(i => RetryBackoffDelay.Compute(settings, i, new FixedRandom(0.5)).Ticks);
        Assert.Equal([500L, 1000L, 1001L, 1001L], delays);
    }

    [Fact]
    public void Exponential_with_an_unbounded_maximum_keeps_doubling_without_overflow()
    {
        var settings = new RetrySettings(true, 0, 5, MeshRetryBackoff.Exponential, TimeSpan.FromSeconds(1), TimeSpan.MaxValue, false);
        Assert.Equal(TimeSpan.FromSeconds(8), RetryBackoffDelay.Compute(settings, 3, new FixedRandom(0.5)));
        Assert.Equal(TimeSpan.MaxValue, RetryBackoffDelay.Compute(settings, 100, new FixedRandom(0.5)));
    }

    [Theory]
    [InlineData(MeshRetryBackoff.Jittered)]
    [InlineData(MeshRetryBackoff.Exponential)]
    public void A_maximum_below_the_minimum_waits_the_minimum(MeshRetryBackoff kind)
    {
        // The options validator rejects such settings; the computation still never goes below the minimum.
        var settings = new RetrySettings(true, 0, 5, kind, Max, Min, false);
        Assert.All(Enumerable.Range(0, 4), i => Assert.Equal(Max, RetryBackoffDelay.Compute(settings, i, new FixedRandom(0.9))));
    }

    private static RetrySettings Settings(MeshRetryBackoff kind) => new(true, 0, 5, kind, Min, Max, false);

    private sealed class FixedRandom(double value) : IRandomSource
    {
        public int Next(int maxExclusive) => (int)(value * maxExclusive);

        public double NextDouble() => value;
    }
}
