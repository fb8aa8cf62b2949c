using MeshClient.LoadBalancing;

namespace MeshClient.Tests.LoadBalancing;

public sealed class WeightedSequenceTests
{
    [Fact]
    public void Follows_the_smooth_weighted_round_robin_order()
    {
        // nginx's example: weights 5, 1, 1 give a, a, b, a, c, a, a.
        var sequence = WeightedSequence.Create([5, 1, 1]);
        Assert.Equal([0, 0, 1, 0, 2, 0, 0], Enumerable.Range(0, 7).Select(_ => sequence.Next()));
        Assert.Equal(7, sequence.Period);
    }

    [Fact]
    public void Reduces_by_the_common_divisor_and_skips_zero_weights()
    {
        var sequence = WeightedSequence.Create([40, 0, 40, 20]);
        Assert.Equal(5, sequence.Period);
        var picks = Enumerable.Range(0, 500).Select(_ => sequence.Next()).ToList();
        Assert.DoesNotContain(1, picks);
        Assert.Equal(200, picks.Count(p => p == 0));
        Assert.Equal(200, picks.Count(p => p == 2));
        Assert.Equal(100, picks.Count(p => p == 3));
    }

    [Fact]
    public void Equal_weights_rotate()
    {
        var sequence = WeightedSequence.Create([3, 3, 3]);
        Assert.Equal([0, 1, 2, 0, 1, 2], Enumerable.Range(0, 6).Select(_ => sequence.Next()));
    }

    [Fact]
    public void Very_heavy_weights_are_scaled_to_a_bounded_period()
    {
        var sequence = WeightedSequence.Create([1_000_000, 3_000_000, 7]);
        Assert.InRange(sequence.Period, 3, WeightedSequence.MaxPeriod + 3);
        var picks = Enumerable.Range(0, sequence.Period).Select(_ => sequence.Next()).ToList();
        Assert.Contains(2, picks);
        Assert.InRange(picks.Count(p => p == 1) / (double)picks.Count(p => p == 0), 2.9, 3.1);
    }

    [Fact]
    public void Rejects_all_zero_weights() =>
        Assert.Throws<ArgumentException>(() => WeightedSequence.Create([0, 0]));

    [Fact]
    public void Concurrent_callers_together_get_exact_shares()
    {
        var sequence = WeightedSequence.Create([2, 1]);
        var counts = new int[2];
        Parallel.For(0, 30_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ => Interlocked.Increment(ref counts[sequence.Next()]));
        Assert.Equal(20_000, counts[0]);
        Assert.Equal(10_000, counts[1]);
    }

    [Theory]
    [InlineData(new long[] { 5, 1, 1 })]
    [InlineData(new long[] { 3, 3, 3 })]
    [InlineData(new long[] { 40, 0, 40, 20 })]
    public void Each_index_comes_with_how_often_it_came_up_before(long[] weights)
    {
        var sequence = WeightedSequence.Create(weights, new SequenceCursor(start: 17));
        var seen = new Dictionary<int, uint>();
        for (var call = 0; call < 1000; call++)
        {
            var index = sequence.Next(out var occurrence);
            var expected = seen.GetValueOrDefault(index);
            seen[index] = expected + 1;

            // Counted from position 0, so the 17 skipped positions count as earlier occurrences.
            var skipped = (uint)Enumerable.Range(0, 17).Count(p => sequence.At((uint)p) == index);
            Assert.Equal(expected + skipped, occurrence);
        }
    }
}
