using CsCheck;
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
    public void Rejects_all_zero_weights()
    {
        var error = Assert.Throws<ArgumentException>(() => WeightedSequence.Create([0, 0]));
        Assert.Equal("weights", error.ParamName);
        Assert.StartsWith("At least one weight must be positive.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Heavy_weights_with_a_common_divisor_reduce_to_a_short_period_before_any_scaling()
    {
        // 3,000 : 6,000 is 1 : 2, a period of 3, exact, though the weights' total is far above MaxPeriod.
        var sequence = WeightedSequence.Create([3_000, 6_000]);

        Assert.Equal(3, sequence.Period);
        Assert.Equal([1, 2], new[] { sequence.CountPerPeriod(0), sequence.CountPerPeriod(1) });
    }

    [Fact]
    public void Scaled_down_weights_keep_a_zero_weight_at_zero()
    {
        var sequence = WeightedSequence.Create([1_000_001, 0, 3_000_000]);

        Assert.Equal(0, sequence.CountPerPeriod(1));
        Assert.DoesNotContain(1, Enumerable.Range(0, 2 * sequence.Period).Select(_ => sequence.Next()));
    }

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

    [Fact]
    public void Small_weights_follow_the_plain_smooth_weighted_round_robin_with_exact_counts()
    {
        // Weights whose reduced total fits a period: the sequence is nginx's smooth weighted round robin over the
        // weights divided by their common divisor (ties to the lower index), occurrences are counted from position 0.
        var weights = Gen.Int[0, 12].Select(w => (long)w).Array[1, 7].Where(w => w.Any(x => x > 0));
        weights.Sample(w =>
        {
            var expected = PlainSmoothOrder(w);
            var sequence = WeightedSequence.Create(w, new SequenceCursor(start: 3));

            Assert.Equal(expected.Length, sequence.Period);
            var seen = new uint[w.Length];
            for (var position = 0u; position < (3 * (uint)expected.Length) + 5; position++)
            {
                var index = sequence.At(position, out var occurrence);
                Assert.Equal(expected[position % expected.Length], index);
                Assert.Equal(index, sequence.At(position));
                Assert.Equal(seen[index]++, occurrence);
            }

            for (var i = 0; i < w.Length; i++)
            {
                Assert.Equal(expected.Count(e => e == i), sequence.CountPerPeriod(i));
            }

            // The cursor starts at 3: Next walks on from there.
            Assert.Equal(expected[3 % expected.Length], sequence.Next(out var first));
            Assert.Equal((uint)Enumerable.Range(0, 3).Count(p => expected[p % expected.Length] == expected[3 % expected.Length]), first);
            Assert.Equal(expected[4 % expected.Length], sequence.Next());
        }, iter: 300);
    }

    [Fact]
    public void Equal_weights_beside_a_zero_weight_never_give_the_zero_weight_index()
    {
        var sequence = WeightedSequence.Create([3, 0, 3]);

        Assert.Equal(2, sequence.Period);
        Assert.Equal([0, 2, 0, 2], Enumerable.Range(0, 4).Select(_ => sequence.Next()));
        Assert.Equal(0, sequence.CountPerPeriod(1));
    }

    [Theory]
    [InlineData(300)]
    [InlineData(2_500)]
    public void Many_heavy_weights_keep_a_period_that_shrinks_with_their_number(int count)
    {
        // Up to 2,000,000 / count positions (at most MaxPeriod), and never fewer than the number of weights.
        var weights = Enumerable.Range(0, count).Select(i => i == 0 ? 1_000_000L : 1_000L + i).ToArray();
        var limit = Math.Max(count, Math.Min(WeightedSequence.MaxPeriod, 2_000_000 / count));
        var total = weights.Sum();

        var sequence = WeightedSequence.Create(weights);

        var expected = weights.Select(w => Math.Max(1, w * limit / total)).ToArray();
        Assert.Equal(expected.Sum(), sequence.Period);
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(expected[i], sequence.CountPerPeriod(i));
        }
    }

    /// <summary>nginx's smooth weighted round robin over the weights reduced by their common divisor, one period.</summary>
    private static int[] PlainSmoothOrder(long[] weights)
    {
        var gcd = weights.Aggregate(0L, (a, b) => (long)System.Numerics.BigInteger.GreatestCommonDivisor(a, b));
        var reduced = weights.Select(w => w / gcd).ToArray();
        var total = reduced.Sum();
        var current = new long[reduced.Length];
        var order = new int[total];
        for (var k = 0; k < total; k++)
        {
            var best = -1;
            for (var i = 0; i < reduced.Length; i++)
            {
                current[i] += reduced[i];
                if (reduced[i] > 0 && (best < 0 || current[i] > current[best]))
                {
                    best = i;
                }
            }

            current[best] -= total;
            order[k] = best;
        }

        return order;
    }
}
