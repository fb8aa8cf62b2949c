namespace MeshClient.LoadBalancing;

/// <summary>
/// Picks one endpoint among a fixed, non-empty set of candidates (one tag set of one service in one registry
/// snapshot). Instances are built when the state is rebuilt and used from many threads without locks.
/// </summary>
internal abstract class EndpointSelector
{
    protected EndpointSelector(EndpointCandidate[] candidates)
    {
        if (candidates.Length == 0)
        {
            throw new ArgumentException("A selector needs at least one candidate.", nameof(candidates));
        }

        Candidates = candidates;
    }

    public EndpointCandidate[] Candidates { get; }

    /// <summary>Builds the selector of a strategy.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="candidates">The candidates, at least one.</param>
    /// <param name="settings">The shared settings.</param>
    /// <param name="sessions">The session table (SessionStickiness).</param>
    /// <param name="cursor">The long-lived rotation position (RoundRobin, and SessionStickiness without a session).</param>
    /// <param name="useLocalityWeights">Whether locality weights count (the cluster asked for locality-weighted balancing).</param>
    public static EndpointSelector Create(
        LoadBalancingStrategy strategy,
        EndpointCandidate[] candidates,
        LoadBalancingSettings settings,
        SessionTable? sessions,
        SequenceCursor cursor,
        bool useLocalityWeights) =>
        strategy switch
        {
            LoadBalancingStrategy.Random => new RandomSelector(candidates, settings.Random, useLocalityWeights),
            LoadBalancingStrategy.LeastRequest => new LeastRequestSelector(candidates, settings.Random),
            LoadBalancingStrategy.WeightedResponse => new WeightedResponseSelector(candidates, settings),
            LoadBalancingStrategy.SessionStickiness when sessions is not null =>
                new SessionStickinessSelector(candidates, sessions, settings, new RoundRobinSelector(candidates, cursor, useLocalityWeights)),
            _ => new RoundRobinSelector(candidates, cursor, useLocalityWeights),
        };

    /// <summary>Picks an endpoint.</summary>
    /// <param name="sessionKey">The request's session key (SessionStickiness only); empty when none.</param>
    public abstract EndpointCandidate Select(ReadOnlySpan<char> sessionKey);
}
