namespace MeshClient.LoadBalancing;

/// <summary>
/// The weight each endpoint gets in the rotation. Without locality weighting, its endpoint weight. With it (the
/// cluster asked for locality-weighted balancing), its locality's share of the locality weights times its share of
/// the endpoint weights within the locality, as whole numbers: locality weight × endpoint weight × (L / locality's
/// endpoint-weight total), L being the least common multiple of those totals.
/// </summary>
internal static class EffectiveWeights
{
    private const long Limit = 1L << 40;

    public static long[] Compute(EndpointCandidate[] candidates, bool useLocalityWeights)
    {
        var weights = new long[candidates.Length];
        for (var i = 0; i < candidates.Length; i++)
        {
            weights[i] = candidates[i].Endpoint.Weight;
        }

        if (!useLocalityWeights)
        {
            return weights;
        }

        var totals = new Dictionary<Registry.EndpointLocality, (long Total, long LocalityWeight)>();
        foreach (var candidate in candidates)
        {
            var endpoint = candidate.Endpoint;
            var entry = totals.GetValueOrDefault(endpoint.Locality);
            totals[endpoint.Locality] = (entry.Total + endpoint.Weight, Math.Max(entry.LocalityWeight, endpoint.LocalityWeight));
        }

        if (totals.Count == 1)
        {
            return weights;
        }

        long lcm = 1;
        foreach (var (total, _) in totals.Values)
        {
            lcm = lcm / Gcd(lcm, total) * total;
            if (lcm > Limit)
            {
                return Approximate(candidates, totals);
            }
        }

        for (var i = 0; i < candidates.Length; i++)
        {
            var endpoint = candidates[i].Endpoint;
            var (total, localityWeight) = totals[endpoint.Locality];
            var scaled = (double)localityWeight * endpoint.Weight * (lcm / total);
            if (scaled > Limit)
            {
                return Approximate(candidates, totals);
            }

            weights[i] = localityWeight * endpoint.Weight * (lcm / total);
        }

        return weights;
    }

    private static long[] Approximate(EndpointCandidate[] candidates, Dictionary<Registry.EndpointLocality, (long Total, long LocalityWeight)> totals)
    {
        double localityTotal = totals.Values.Sum(t => (double)t.LocalityWeight);
        var weights = new long[candidates.Length];
        for (var i = 0; i < candidates.Length; i++)
        {
            var endpoint = candidates[i].Endpoint;
            var (total, localityWeight) = totals[endpoint.Locality];
            weights[i] = Math.Max(1, (long)Math.Round(localityWeight / localityTotal * endpoint.Weight / total * 1_000_000));
        }

        return weights;
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
