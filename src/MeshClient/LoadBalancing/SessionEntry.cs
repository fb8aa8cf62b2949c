namespace MeshClient.LoadBalancing;

/// <summary>The endpoint a session is bound to and when the session was last used.</summary>
internal sealed class SessionEntry
{
    private EndpointStatistics _endpoint;
    private long _lastUsed;

    public SessionEntry(EndpointStatistics endpoint, long now)
    {
        _endpoint = endpoint;
        _lastUsed = now;
    }

    public EndpointStatistics Endpoint => Volatile.Read(ref _endpoint);

    public long LastUsed => Volatile.Read(ref _lastUsed);

    public void Touch(long now) => Volatile.Write(ref _lastUsed, now);

    public void Rebind(EndpointStatistics endpoint, long now)
    {
        Volatile.Write(ref _endpoint, endpoint);
        Volatile.Write(ref _lastUsed, now);
    }
}
