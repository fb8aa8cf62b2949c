using MeshClient.LoadBalancing;

namespace MeshClient.Routing;

/// <summary>
/// A rule ready to route: its match and its own weight pool over its destinations. The smooth weighted sequence walks
/// a long-lived cursor (keyed by the rule and its weights), so the split continues exactly across rebuilds.
/// </summary>
internal sealed class RulePlan
{
    private readonly RuleDestination[] _destinations;
    private readonly WeightedSequence? _sequence;
    private readonly int[]? _cumulative;
    private readonly IRandomSource? _random;

    public RulePlan(RouteRule rule, RuleDestination[] destinations, RouteWeightSelection selection, IRandomSource random, SequenceCursor cursor)
    {
        Rule = rule;
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
        }
    }

    public RouteRule Rule { get; }

    public IReadOnlyList<RuleDestination> Destinations => _destinations;

    /// <summary>
    /// The next destination, and (smooth round robin) how many calls this rule sent there before, so the destination's
    /// round robin can follow from this one count (<see cref="EndpointPool.TryPickAt"/>); <see langword="false"/> with
    /// random selection.
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
