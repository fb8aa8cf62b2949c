using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MeshClient.LoadBalancing;

namespace MeshClient.Routing;

/// <summary>
/// A rule's smooth weighted sequence and the round robins of its destinations unrolled into one table: the call the
/// rule's cursor counts as <c>n</c> goes to entry <c>n mod period</c>, which holds the destination and the endpoint
/// the two rotations give that call (<see cref="WeightedSequence.At(uint, out uint)"/> then
/// <see cref="RoundRobinSelector.At"/>). One interlocked step and one lookup per decision, the same picks as
/// computing them. Built only when every destination with endpoints is a single round robin and the table is small.
/// </summary>
internal sealed class FusedRotation
{
    /// <summary>The most entries a table may have; longer combined periods are computed per call instead.</summary>
    internal const int MaxEntries = 2048;

    private readonly Entry[] _entries;
    private readonly SequenceCursor _cursor;
    private readonly FastModulus _period;

    private FusedRotation(Entry[] entries, SequenceCursor cursor)
    {
        _entries = entries;
        _cursor = cursor;
        _period = new FastModulus(entries.Length);
    }

    /// <summary>The number of entries (the combined period).</summary>
    public int Period => _entries.Length;

    /// <summary>
    /// The table of <paramref name="sequence"/> over <paramref name="destinations"/>, or <see langword="null"/> when a
    /// destination is not a single round robin or the combined period exceeds <see cref="MaxEntries"/>.
    /// </summary>
    public static FusedRotation? TryCreate(WeightedSequence sequence, RuleDestination[] destinations)
    {
        // The destination sequence repeats every P calls, in which destination d comes up k(d) times; d's rotation of
        // period R(d) repeats when k(d) * m is a multiple of R(d), so the pair repeats every P * lcm(R(d) / gcd(R(d), k(d))).
        long rounds = 1;
        for (var d = 0; d < destinations.Length; d++)
        {
            var pool = destinations[d].Pool;
            if (!pool.HasEndpoints)
            {
                continue;
            }

            if (pool.Rotation is not { } rotation)
            {
                return null;
            }

            long period = rotation.Period;
            var cycle = period / Gcd(period, sequence.CountPerPeriod(d));
            rounds = rounds / Gcd(rounds, cycle) * cycle;
            if (rounds * sequence.Period > MaxEntries)
            {
                return null;
            }
        }

        var entries = new Entry[rounds * sequence.Period];
        for (var position = 0; position < entries.Length; position++)
        {
            var destination = destinations[sequence.At((uint)position, out var occurrence)];
            entries[position] = new Entry(destination, destination.Pool.Rotation?.At(occurrence));
        }

        return new FusedRotation(entries, sequence.Cursor);
    }

    /// <summary>The entry of the next call the rule's cursor counts.</summary>
    public ref readonly Entry Next() => ref At(_cursor.Advance());

    /// <summary>The entry of the call at <paramref name="position"/>, without moving the cursor.</summary>
    public ref readonly Entry At(uint position) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_entries), (int)_period.Remainder(position));

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }

    /// <summary>One call of the combined period.</summary>
    /// <param name="Destination">The rule's destination.</param>
    /// <param name="Candidate">Its endpoint; <see langword="null"/> when the destination has none.</param>
    internal readonly record struct Entry(RuleDestination Destination, EndpointCandidate? Candidate);
}
