namespace MeshClient.LoadBalancing;

/// <summary>
/// Random choice; with unequal weights each endpoint's chance is its locality's share of the locality weights times
/// its share of the endpoint weights within that locality.
/// </summary>
internal sealed class RandomSelector : EndpointSelector
{
    private readonly IRandomSource _random;
    private readonly double[]? _cumulative;

    public RandomSelector(EndpointCandidate[] candidates, IRandomSource random)
        : base(candidates)
    {
        _random = random;
        var shares = new double[candidates.Length];
        var localities = LocalityGroups.Create(candidates);
        double localityTotal = localities.LocalityWeights.Sum();
        var index = new Dictionary<EndpointCandidate, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < candidates.Length; i++)
        {
            index[candidates[i]] = i;
        }

        for (var g = 0; g < localities.Groups.Length; g++)
        {
            var group = localities.Groups[g];
            double groupTotal = group.Sum(c => (double)c.Endpoint.Weight);
            foreach (var candidate in group)
            {
                shares[index[candidate]] = localities.LocalityWeights[g] / localityTotal * (candidate.Endpoint.Weight / groupTotal);
            }
        }

        if (shares.Distinct().Count() > 1)
        {
            _cumulative = new double[shares.Length];
            double sum = 0;
            for (var i = 0; i < shares.Length; i++)
            {
                sum += shares[i];
                _cumulative[i] = sum;
            }
        }
    }

    public override EndpointCandidate Select(ReadOnlySpan<char> sessionKey)
    {
        if (_cumulative is null)
        {
            return Candidates[_random.Next(Candidates.Length)];
        }

        return Candidates[CumulativeSearch.Find(_cumulative, _random.NextDouble() * _cumulative[^1])];
    }
}
