namespace MeshClient.LoadBalancing;

/// <summary>
/// A smooth weighted round robin (as nginx does it) precomputed for one period, walked by an interlocked counter:
/// any run of calls as long as the period (and so any multiple of it) holds each index exactly its weight's share,
/// spread out rather than in blocks, without locks. The position lives in a <see cref="SequenceCursor"/> that outlives
/// the sequence, so a sequence rebuilt with the same weights continues exactly where the previous one stopped.
/// </summary>
internal sealed class WeightedSequence
{
    /// <summary>The longest period kept; heavier weights are scaled down to fit.</summary>
    internal const int MaxPeriod = 10_000;

    private readonly int[]? _order;
    private readonly int[]? _rank;
    private readonly int[]? _perPeriod;
    private readonly int _count;
    private readonly SequenceCursor _cursor;
    private readonly FastModulus _period;

    private WeightedSequence(int[]? order, int count, SequenceCursor cursor)
    {
        _order = order;
        _count = count;
        _cursor = cursor;
        _period = new FastModulus(order?.Length ?? count);
        if (order is not null)
        {
            // For each position, how many times its index came up earlier in the period; and each index's count per period.
            _rank = new int[order.Length];
            _perPeriod = new int[count];
            for (var i = 0; i < order.Length; i++)
            {
                _rank[i] = _perPeriod[order[i]]++;
            }
        }
    }

    /// <summary>The number of calls after which the sequence repeats.</summary>
    public int Period => _order?.Length ?? _count;

    /// <summary>Builds the sequence; entries of weight 0 never come up. At least one weight must be positive.</summary>
    public static WeightedSequence Create(ReadOnlySpan<long> weights) => Create(weights, new SequenceCursor());

    /// <summary>Builds the sequence walked by <paramref name="cursor"/>; see <see cref="Create(ReadOnlySpan{long})"/>.</summary>
    public static WeightedSequence Create(ReadOnlySpan<long> weights, SequenceCursor cursor)
    {
        var positive = 0;
        var allEqual = true;
        for (var i = 0; i < weights.Length; i++)
        {
            if (weights[i] > 0)
            {
                allEqual &= weights[i] == weights[0];
                positive++;
            }
            else
            {
                allEqual = false;
            }
        }

        if (positive == 0)
        {
            throw new ArgumentException("At least one weight must be positive.", nameof(weights));
        }

        if (allEqual)
        {
            return new WeightedSequence(null, weights.Length, cursor);
        }

        return new WeightedSequence(Smooth(Reduce(weights)), weights.Length, cursor);
    }

    /// <summary>The cursor the sequence walks.</summary>
    public SequenceCursor Cursor => _cursor;

    /// <summary>The next index.</summary>
    public int Next() => At(_cursor.Advance());

    /// <summary>
    /// The next index, and how many times that index came up before (since the cursor's position 0), so a second
    /// rotation can be driven by this one's count without a counter of its own.
    /// </summary>
    public int Next(out uint occurrence) => At(_cursor.Advance(), out occurrence);

    /// <summary>The index at a position, without moving the cursor.</summary>
    public int At(uint position) => _order is null ? (int)_period.Remainder(position) : _order[_period.Remainder(position)];

    /// <summary>The index at a position and how many times it came up before it (from position 0), without moving the cursor.</summary>
    public int At(uint position, out uint occurrence)
    {
        var round = _period.Quotient(position);
        var offset = (int)(position - (round * _period.Divisor));
        if (_order is null)
        {
            occurrence = round;
            return offset;
        }

        var index = _order[offset];
        occurrence = unchecked((round * (uint)_perPeriod![index]) + (uint)_rank![offset]);
        return index;
    }

    /// <summary>How many times <paramref name="index"/> comes up in one period.</summary>
    public int CountPerPeriod(int index) => _perPeriod is null ? 1 : _perPeriod[index];

    private static long[] Reduce(ReadOnlySpan<long> weights)
    {
        var reduced = weights.ToArray();
        long gcd = 0, total = 0;
        foreach (var w in reduced)
        {
            gcd = Gcd(gcd, w);
            total += w;
        }

        for (var i = 0; i < reduced.Length; i++)
        {
            reduced[i] /= gcd;
        }

        total /= gcd;
        var limit = Math.Max(reduced.Length, Math.Min(MaxPeriod, 2_000_000 / Math.Max(1, reduced.Length)));
        if (total > limit)
        {
            // Too long a period to precompute: scale down, keeping every positive weight at least 1.
            for (var i = 0; i < reduced.Length; i++)
            {
                reduced[i] = reduced[i] == 0 ? 0 : Math.Max(1, reduced[i] * limit / total);
            }
        }

        return reduced;
    }

    private static int[] Smooth(long[] weights)
    {
        long total = 0;
        foreach (var w in weights)
        {
            total += w;
        }

        var current = new long[weights.Length];
        var order = new int[total];
        for (var k = 0; k < order.Length; k++)
        {
            var best = -1;
            for (var i = 0; i < weights.Length; i++)
            {
                if (weights[i] == 0)
                {
                    continue;
                }

                current[i] += weights[i];
                if (best < 0 || current[i] > current[best])
                {
                    best = i;
                }
            }

            current[best] -= total;
            order[k] = best;
        }

        return order;
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
