using MeshClient.LoadBalancing;

namespace MeshClient.Routing;

/// <summary>
/// A rule ready to route: its match and its own weight pool over its destinations. The smooth weighted sequence walks
/// a long-lived cursor (keyed by the rule and its weights), so the split continues exactly across rebuilds. When every
/// destination is a single round robin, the weighted pick and the endpoint pick are one table lookup
/// (<see cref="FusedRotation"/>).
/// </summary>
internal sealed class RulePlan
{
    private readonly RuleDestination[] _destinations;
    private readonly WeightedSequence? _sequence;
    private readonly FusedRotation? _fused;
    private readonly int[]? _cumulative;
    private readonly IRandomSource? _random;

    public RulePlan(RouteRule rule, RuleDestination[] destinations, RouteWeightSelection selection, IRandomSource random, SequenceCursor cursor)
    {
        Rule = rule;
        Match = rule.Match;
        _destinations = destinations;
        if (selection == RouteWeightSelection.Random)
        {
            _random = random;
            _cumulative = new int[destinations.Length];
            var sum = 0;
            for (var i = 0; i < destinations.Length; i++)
            {
                sum += destinations[i].Weight;
                _cumulative[i] = sum;
            }
        }
        else
        {
            _sequence = WeightedSequence.Create(destinations.Select(d => (long)d.Weight).ToArray(), cursor);
            _fused = FusedRotation.TryCreate(_sequence, destinations);
        }
    }

    public RouteRule Rule { get; }

    /// <summary>The rule's conditions; <see langword="null"/> when it matches every call.</summary>
    public RouteMatch? Match { get; }

    /// <summary>Each header condition's slot in the decision's <see cref="HeaderSnapshot"/> (-1: read directly); <see langword="null"/> when the rule tests no header.</summary>
    public int[]? HeaderSlots { get; private set; }

    /// <summary>Whether the weighted pick and the endpoint pick are one table lookup.</summary>
    internal bool IsFused => _fused is not null;

    /// <summary>
    /// Gives each header condition its slot among <paramref name="names"/>, adding names up to the snapshot's capacity.
    /// </summary>
    /// <param name="names">The distinct names so far.</param>
    /// <returns>The slots (a bit each) that a condition with whole-number bounds tests: parsed once per decision.</returns>
    public int AssignHeaderSlots(List<string> names)
    {
        if (Rule.Match is not { Headers.Length: > 0 } match)
        {
            return 0;
        }

        var integerSlots = 0;
        var slots = new int[match.Headers.Length];
        for (var i = 0; i < slots.Length; i++)
        {
            var slot = names.FindIndex(n => string.Equals(n, match.Headers[i].Name, StringComparison.OrdinalIgnoreCase));
            if (slot < 0 && names.Count < HeaderSnapshot.Capacity)
            {
                names.Add(match.Headers[i].Name);
                slot = names.Count - 1;
            }

            slots[i] = slot;
            if (slot >= 0 && match.Headers[i].HasIntegerBounds)
            {
                integerSlots |= 1 << slot;
            }
        }

        HeaderSlots = slots;
        return integerSlots;
    }

    public IReadOnlyList<RuleDestination> Destinations => _destinations;

    /// <summary>
    /// The table in which the weighted pick and the endpoint pick are one lookup (<see cref="FusedRotation"/>);
    /// <see langword="null"/> when a destination is not a single round robin, or with random selection.
    /// </summary>
    public FusedRotation? Fused => _fused;

    /// <summary>
    /// The next destination, without the fused table: (smooth round robin) with how many calls this rule sent to the
    /// destination before, so its round robin can follow from this one count (<see cref="EndpointPool.TryPickAt"/>), or
    /// (random selection) <paramref name="counted"/> <see langword="false"/>.
    /// </summary>
    public RuleDestination Next(out uint occurrence, out bool counted)
    {
        if (_sequence is not null)
        {
            counted = true;
            return _destinations[_sequence.Next(out occurrence)];
        }

        counted = false;
        occurrence = 0;
        return Next();
    }

    public RuleDestination Next()
    {
        if (_sequence is not null)
        {
            return _destinations[_sequence.Next()];
        }

        var point = _random!.Next(_cumulative![^1]);
        for (var i = 0; i < _cumulative.Length; i++)
        {
            if (point < _cumulative[i])
            {
                return _destinations[i];
            }
        }

        return _destinations[^1];
    }
}
