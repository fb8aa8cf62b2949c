namespace MeshClient.LoadBalancing;

/// <summary>Random choice; with unequal effective weights (<see cref="EffectiveWeights"/>) each endpoint's chance is its weight's share.</summary>
internal sealed class RandomSelector : EndpointSelector
{
    private readonly IRandomSource _random;
    private readonly double[]? _cumulative;

    public RandomSelector(EndpointCandidate[] candidates, IRandomSource random, bool useLocalityWeights = true)
        : base(candidates)
    {
        _random = random;
        var weights = EffectiveWeights.Compute(candidates, useLocalityWeights);
        if (weights.Distinct().Count() > 1)
        {
            _cumulative = new double[weights.Length];
            double sum = 0;
            for (var i = 0; i < weights.Length; i++)
            {
                sum += weights[i];
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
