namespace MeshClient.LoadBalancing;

/// <summary>
/// Smooth weighted round robin in two levels: localities by locality weight, then endpoints of the locality by
/// endpoint weight. With equal weights it is a plain rotation.
/// </summary>
internal sealed class RoundRobinSelector : EndpointSelector
{
    private readonly EndpointCandidate[][] _groups;
    private readonly WeightedSequence? _localities;
    private readonly WeightedSequence[] _withinGroup;

    public RoundRobinSelector(EndpointCandidate[] candidates)
        : base(candidates)
    {
        var localities = LocalityGroups.Create(candidates);
        _groups = localities.Groups;
        _localities = _groups.Length > 1 ? WeightedSequence.Create(localities.LocalityWeights) : null;
        _withinGroup = _groups.Select(g => WeightedSequence.Create(LocalityGroups.EndpointWeights(g))).ToArray();
    }

    public override EndpointCandidate Select(ReadOnlySpan<char> sessionKey)
    {
        var group = _localities is null ? 0 : _localities.Next();
        return _groups[group][_withinGroup[group].Next()];
    }
}
