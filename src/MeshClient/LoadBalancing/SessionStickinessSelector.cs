namespace MeshClient.LoadBalancing;

/// <summary>
/// Keeps a session on its endpoint while the session is used within the timeout and the endpoint is still a
/// candidate (routable, carrying the tags) with fewer successive failures than the limit; otherwise binds the
/// session to the next round-robin endpoint. Calls without a session key go round robin.
/// </summary>
internal sealed class SessionStickinessSelector : EndpointSelector
{
    private readonly RoundRobinSelector _fallback;
    private readonly SessionTable _sessions;
    private readonly LoadBalancingSettings _settings;
    private readonly Dictionary<EndpointStatistics, EndpointCandidate> _byStatistics;

    public SessionStickinessSelector(EndpointCandidate[] candidates, SessionTable sessions, LoadBalancingSettings settings, RoundRobinSelector fallback)
        : base(candidates)
    {
        _fallback = fallback;
        _sessions = sessions;
        _settings = settings;
        _byStatistics = candidates.ToDictionary(c => c.Statistics);
    }

    public override EndpointCandidate Select(ReadOnlySpan<char> sessionKey)
    {
        if (sessionKey.IsEmpty)
        {
            return _fallback.Select(sessionKey);
        }

        var now = _settings.Time.GetTimestamp();
        if (_sessions.TryGet(sessionKey, out var entry))
        {
            if (now - entry.LastUsed <= _settings.SessionTimeoutTicks
                && _byStatistics.TryGetValue(entry.Endpoint, out var bound)
                && bound.Statistics.SuccessiveFailures < _settings.SessionFailures)
            {
                entry.Touch(now);
                return bound;
            }

            var next = PickAvoiding(entry.Endpoint);
            entry.Rebind(next.Statistics, now);
            return next;
        }

        var picked = _fallback.Select(sessionKey);
        _sessions.Add(sessionKey, new SessionEntry(picked.Statistics, now), now, _settings.SessionTimeoutTicks);
        return picked;
    }

    private EndpointCandidate PickAvoiding(EndpointStatistics previous)
    {
        // Moving a session away from a failing endpoint should not land it there again when there is a choice.
        for (var attempt = 0; attempt < Candidates.Length; attempt++)
        {
            var next = _fallback.Select(default);
            if (!ReferenceEquals(next.Statistics, previous) && next.Statistics.SuccessiveFailures < _settings.SessionFailures)
            {
                return next;
            }
        }

        return _fallback.Select(default);
    }
}
