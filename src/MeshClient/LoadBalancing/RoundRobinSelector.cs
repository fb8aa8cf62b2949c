namespace MeshClient.LoadBalancing;

/// <summary>
/// Smooth weighted round robin over the endpoints' effective weights (<see cref="EffectiveWeights"/>): with equal
/// weights a plain rotation. The position is a <see cref="SequenceCursor"/> that outlives the selector, so a selector
/// rebuilt for a new snapshot continues the rotation (modulo the new number of candidates).
/// </summary>
internal sealed class RoundRobinSelector : EndpointSelector
{
    private readonly WeightedSequence _sequence;
    private readonly uint _start;

    public RoundRobinSelector(EndpointCandidate[] candidates)
        : this(candidates, new SequenceCursor(), useLocalityWeights: true)
    {
    }

    public RoundRobinSelector(EndpointCandidate[] candidates, SequenceCursor cursor, bool useLocalityWeights)
        : base(candidates)
    {
        _sequence = WeightedSequence.Create(EffectiveWeights.Compute(candidates, useLocalityWeights), cursor);
        _start = unchecked((uint)cursor.Start);
    }

    /// <summary>The number of calls after which the rotation repeats.</summary>
    public int Period => _sequence.Period;

    public override EndpointCandidate Select(ReadOnlySpan<char> sessionKey) => Candidates[_sequence.Next()];

    /// <summary>
    /// The endpoint of the rotation's <paramref name="occurrence"/>-th call (from the cursor's start), for calls
    /// counted by another cursor (a rule's weighted sequence): this selector's own cursor does not move.
    /// </summary>
    public EndpointCandidate At(uint occurrence) => Candidates[_sequence.At(unchecked(occurrence + _start))];
}
