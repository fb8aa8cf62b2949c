using MeshClient.LoadBalancing;
using MeshClient.Registry;

namespace MeshClient.Routing;

/// <summary>
/// The endpoints of one service that carry one tag set, by priority level, with the strategy that picks among them.
/// Calls are shared between levels as Envoy shares them (<see cref="PriorityLoad"/>); endpoints the filter excludes
/// (ejected outliers, endpoints a retry already tried) count as unhealthy, so when every endpoint of a level is
/// ejected its calls go to the next level. Built once per service content and rules; the positions it walks live on.
/// </summary>
internal sealed class EndpointPool
{
    /// <summary>Positions of the level rotation; loads are in percent.</summary>
    private const int Positions = 100;

    /// <summary>Steps through the positions in an order that spreads each level's share (coprime with 100).</summary>
    private const int Spread = 37;

    private const int MaxStackLevels = 16;

    private readonly PriorityLevel[] _levels;
    private readonly int[] _staticLoads;
    private readonly SequenceCursor _levelCursor;
    private readonly int _firstRoutable;
    private readonly RoundRobinSelector? _rotation;

    public EndpointPool(TagSet tags, string? subset, LoadBalancingStrategy strategy, PriorityLevel[] levels, SequenceCursor levelCursor, RouteFailure failureWhenEmpty)
    {
        Tags = tags;
        Subset = subset;
        Strategy = strategy;
        FailureWhenEmpty = failureWhenEmpty;
        _levels = levels;
        _levelCursor = levelCursor;
        _firstRoutable = Array.FindIndex(levels, l => l.Selector is not null);
        _rotation = levels.Length == 1 ? levels[0].Selector as RoundRobinSelector : null;
        _staticLoads = new int[levels.Length];
        if (levels.Length > 0)
        {
            for (var i = 0; i < levels.Length; i++)
            {
                _staticLoads[i] = PriorityLoad.Health(levels[i].Routable, levels[i].Total);
            }

            PriorityLoad.Distribute(_staticLoads);
        }
    }

    public TagSet Tags { get; }

    public string? Subset { get; }

    public LoadBalancingStrategy Strategy { get; }

    /// <summary>
    /// The round robin of the pool's only priority level, which <see cref="TryPickAt"/> drives from a rule's count;
    /// <see langword="null"/> with several levels or another strategy.
    /// </summary>
    public RoundRobinSelector? Rotation => _rotation;

    /// <summary>Whether any endpoint carrying the tags is routable.</summary>
    public bool HasEndpoints => _firstRoutable >= 0;

    public RouteFailure FailureWhenEmpty { get; }

    /// <summary>
    /// Picks an endpoint the filter does not exclude: a level by the levels' loads, then an endpoint of that level. An
    /// excluded pick is replaced by picking again (so round robin and random spread its share evenly over the others),
    /// then by the first candidate in order that is not excluded.
    /// </summary>
    /// <param name="service">The service port, for the filter.</param>
    /// <param name="sessionKey">The session key of the first pick (SessionStickiness); later picks use none.</param>
    /// <param name="filter">The exclusions.</param>
    /// <param name="candidate">The endpoint picked; when every candidate is excluded, the strategy's own pick.</param>
    /// <returns><see langword="false"/> when every candidate is excluded.</returns>
    public bool TryPick<TFilter>(MeshService service, ReadOnlySpan<char> sessionKey, TFilter filter, out EndpointCandidate candidate)
        where TFilter : IEndpointFilter
    {
        if (_levels.Length == 1)
        {
            return TryPickIn(_levels[0].Selector!, service, sessionKey, filter, out candidate);
        }

        var level = ChooseLevel(service, filter);
        var selector = _levels[level].Selector ?? _levels[_firstRoutable].Selector!;
        return TryPickIn(selector, service, sessionKey, filter, out candidate);
    }

    /// <summary>
    /// Picks the endpoint of a call a rule counted (its <paramref name="occurrence"/>-th call to this pool): with one
    /// priority level and round robin, the rotation follows from that count with no counter of its own (the weighted
    /// pick and the endpoint pick are one interlocked step); otherwise, or when the endpoint is excluded, as
    /// <see cref="TryPick"/>.
    /// </summary>
    public bool TryPickAt<TFilter>(uint occurrence, MeshService service, ReadOnlySpan<char> sessionKey, TFilter filter, out EndpointCandidate candidate)
        where TFilter : IEndpointFilter
    {
        if (_rotation is not null)
        {
            candidate = _rotation.At(occurrence);
            if (!filter.Excludes(service, candidate.Endpoint))
            {
                return true;
            }
        }

        return TryPick(service, sessionKey, filter, out candidate);
    }

    private int ChooseLevel<TFilter>(MeshService service, TFilter filter)
        where TFilter : IEndpointFilter
    {
        var position = (int)(_levelCursor.Advance() % Positions * Spread % Positions);
        if (!filter.MayExclude(service))
        {
            return PriorityLoad.LevelAt(_staticLoads, position);
        }

        Span<int> loads = _levels.Length <= MaxStackLevels ? stackalloc int[MaxStackLevels] : new int[_levels.Length];
        loads = loads[.._levels.Length];
        for (var i = 0; i < _levels.Length; i++)
        {
            var healthy = 0;
            if (_levels[i].Selector is { } selector)
            {
                foreach (var candidate in selector.Candidates)
                {
                    healthy += filter.Excludes(service, candidate.Endpoint) ? 0 : 1;
                }
            }

            loads[i] = PriorityLoad.Health(healthy, _levels[i].Total);
        }

        PriorityLoad.Distribute(loads);
        return PriorityLoad.LevelAt(loads, position);
    }

    private static bool TryPickIn<TFilter>(EndpointSelector selector, MeshService service, ReadOnlySpan<char> sessionKey, TFilter filter, out EndpointCandidate candidate)
        where TFilter : IEndpointFilter
    {
        var first = selector.Select(sessionKey);
        if (!filter.Excludes(service, first.Endpoint))
        {
            candidate = first;
            return true;
        }

        var candidates = selector.Candidates;
        if (FirstNotExcluded(service, candidates, filter) is not { } fallback)
        {
            // Every candidate is excluded (all ejected, or all tried): the strategy's own pick, so calls keep spreading
            // over all of them as the strategy would, rather than piling onto one.
            candidate = first;
            return false;
        }

        for (var i = 1; i < candidates.Length; i++)
        {
            var next = selector.Select(default);
            if (!filter.Excludes(service, next.Endpoint))
            {
                candidate = next;
                return true;
            }
        }

        candidate = fallback;
        return true;
    }

    /// <summary>The first candidate in order that the filter does not exclude, or <see langword="null"/> when it excludes all.</summary>
    private static EndpointCandidate? FirstNotExcluded<TFilter>(MeshService service, EndpointCandidate[] candidates, TFilter filter)
        where TFilter : IEndpointFilter
    {
        foreach (var other in candidates)
        {
            if (!filter.Excludes(service, other.Endpoint))
            {
                return other;
            }
        }

        return null;
    }
}
