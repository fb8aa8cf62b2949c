namespace MeshClient.LoadBalancing;

/// <summary>Endpoints grouped by locality, with each locality's weight (from EDS) and each endpoint's weight.</summary>
internal sealed class LocalityGroups
{
    private LocalityGroups(EndpointCandidate[][] groups, long[] localityWeights)
    {
        Groups = groups;
        LocalityWeights = localityWeights;
    }

    public EndpointCandidate[][] Groups { get; }

    public long[] LocalityWeights { get; }

    public static LocalityGroups Create(EndpointCandidate[] candidates)
    {
        var groups = candidates
            .GroupBy(c => c.Endpoint.Locality)
            .Select(g => g.ToArray())
            .ToArray();
        var weights = groups.Select(g => (long)g.Max(c => c.Endpoint.LocalityWeight)).ToArray();
        return new LocalityGroups(groups, weights);
    }

    public static long[] EndpointWeights(EndpointCandidate[] group) => group.Select(c => (long)c.Endpoint.Weight).ToArray();
}
