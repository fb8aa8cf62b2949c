namespace MeshClient.LoadBalancing;

/// <summary>
/// Power of two choices: two different endpoints at random, the one with fewer calls in flight per unit of weight
/// wins (as Envoy's and YARP's least-request balancers do).
/// </summary>
internal sealed class LeastRequestSelector : EndpointSelector
{
    private readonly IRandomSource _random;

    public LeastRequestSelector(EndpointCandidate[] candidates, IRandomSource random)
        : base(candidates)
    {
        _random = random;
    }

    public override EndpointCandidate Select(ReadOnlySpan<char> sessionKey)
    {
        var candidates = Candidates;
        if (candidates.Length == 1)
        {
            return candidates[0];
        }

        var a = _random.Next(candidates.Length);
        var b = _random.Next(candidates.Length - 1);
        if (b >= a)
        {
            b++;
        }

        var first = candidates[a];
        var second = candidates[b];

        // (inFlight + 1) / weight, compared without division.
        var firstLoad = (first.Statistics.InFlight + 1L) * second.Endpoint.Weight;
        var secondLoad = (second.Statistics.InFlight + 1L) * first.Endpoint.Weight;
        return firstLoad <= secondLoad ? first : second;
    }
}
