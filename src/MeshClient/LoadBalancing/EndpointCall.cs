namespace MeshClient.LoadBalancing;

/// <summary>
/// A call in flight to the endpoint a decision chose, from <c>MeshRouter.BeginCall</c>. Complete (or abandon) it exactly once
/// when the call ends: it feeds the in-flight counts (LeastRequest), response times (WeightedResponse) and
/// successive failures (SessionStickiness).
/// </summary>
internal readonly struct EndpointCall
{
    private readonly EndpointStatistics? _statistics;
    private readonly TimeProvider? _time;
    private readonly long _started;

    internal EndpointCall(EndpointStatistics statistics, TimeProvider time)
    {
        _statistics = statistics;
        _time = time;
        _started = time.GetTimestamp();
        statistics.CallStarted();
    }

    /// <summary>Whether this call tracks an endpoint (false for the call of a failed decision).</summary>
    public bool IsTracked => _statistics is not null;

    /// <summary>Records the end of the call, measuring its duration with the router's clock.</summary>
    /// <param name="success">Whether the call succeeded (for HTTP: got a response that was not a 5xx).</param>
    public void Complete(bool success)
    {
        if (_statistics is null || _time is null)
        {
            return;
        }

        var now = _time.GetTimestamp();
        _statistics.CallFinished(success, now - _started, now);
    }

    /// <summary>
    /// Records the end of a call whose outcome says nothing about the endpoint (the caller cancelled it, or the request
    /// itself was bad): it no longer counts as in flight, and neither its duration nor a failure is recorded.
    /// </summary>
    public void Abandon() => _statistics?.CallReleased();

    /// <summary>
    /// Records the call's outcome when its response headers arrive, leaving it in flight until <see cref="Release"/>
    /// (when the response content has been read to the end or disposed). Then neither <see cref="Complete"/> nor
    /// <see cref="Abandon"/> may follow.
    /// </summary>
    /// <param name="success">Whether the endpoint answered well.</param>
    internal void RecordAnswer(bool success)
    {
        if (_statistics is null || _time is null)
        {
            return;
        }

        var now = _time.GetTimestamp();
        _statistics.RecordOutcome(success, now - _started, now);
    }

    /// <summary>Ends the in-flight count of a call whose answer <see cref="RecordAnswer"/> recorded; call exactly once.</summary>
    internal void Release() => _statistics?.CallReleased();
}
