using System.Collections.Immutable;
using System.Threading.Channels;
using MeshClient.Xds.Protos.Discovery;
using MeshClient.Xds.Transport;

namespace MeshClient.Xds.Protocol;

/// <summary>
/// The state of one ADS stream: the call, the ordered event queue its loop reads, what arrived on it, and the
/// does-not-exist timers that run while it is up. Everything but the timer callbacks runs on the stream loop.
/// </summary>
internal sealed class AdsStreamContext
{
    private readonly Dictionary<string, (ITimer Timer, long Id)> _timers = new(StringComparer.Ordinal);
    private readonly IGrpcDuplexCall<DiscoveryRequest, DiscoveryResponse>? _call;
    private long _nextTimerId;

    /// <param name="call">The state-of-the-world call; <see langword="null"/> on a delta stream, whose call the delta loop holds.</param>
    public AdsStreamContext(IGrpcDuplexCall<DiscoveryRequest, DiscoveryResponse>? call)
    {
        _call = call;
    }

    /// <summary>The state-of-the-world call.</summary>
    /// <exception cref="InvalidOperationException">This is a delta stream.</exception>
    public IGrpcDuplexCall<DiscoveryRequest, DiscoveryResponse> Call =>
        _call ?? throw new InvalidOperationException("A delta ADS stream has no state-of-the-world call.");

    /// <summary>Responses, timer expiries and the end of the stream, in order.</summary>
    public Channel<AdsStreamEvent> Events { get; } = Channel.CreateUnbounded<AdsStreamEvent>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Whether any response arrived on this stream.</summary>
    public bool ReceivedData { get; set; }

    /// <summary>Whether a CDS response was applied on this stream.</summary>
    public bool ClustersApplied { get; set; }

    /// <summary>Whether an EDS request was sent on this stream.</summary>
    public bool EndpointsRequested { get; set; }

    /// <summary>Whether this stream has reached the synced state.</summary>
    public bool Synced { get; set; }

    /// <summary>The subscribed names the sync check last scanned, and how many of them from the start are settled.</summary>
    public (ImmutableArray<string> Names, int Settled) SyncScan { get; set; }

    /// <summary>EDS names whose assignment arrived on this stream.</summary>
    public HashSet<string> EndpointsReceived { get; } = new(StringComparer.Ordinal);

    /// <summary>EDS names reported as not existing on this stream.</summary>
    public HashSet<string> EndpointsReportedMissing { get; } = new(StringComparer.Ordinal);

    /// <summary>The number of running does-not-exist timers.</summary>
    public int PendingTimerCount => _timers.Count;

    /// <summary>Whether the EDS name has arrived or has been reported missing on this stream.</summary>
    public bool IsSettled(string name) => EndpointsReceived.Contains(name) || EndpointsReportedMissing.Contains(name);

    /// <summary>Starts the does-not-exist timer of <paramref name="name"/> unless it runs or the name is settled.</summary>
    public void StartTimer(string name, TimeSpan timeout, TimeProvider timeProvider)
    {
        if (timeout == Timeout.InfiniteTimeSpan || _timers.ContainsKey(name) || IsSettled(name))
        {
            return;
        }

        var id = ++_nextTimerId;
        var writer = Events.Writer;
        var timer = timeProvider.CreateTimer(
            _ => writer.TryWrite(AdsStreamEvent.TimerFired(name, id)),
            null,
            timeout,
            Timeout.InfiniteTimeSpan);
        _timers[name] = (timer, id);
    }

    /// <summary>Stops the timer of <paramref name="name"/>, if any.</summary>
    public void StopTimer(string name)
    {
        if (_timers.Remove(name, out var entry))
        {
            entry.Timer.Dispose();
            TrimWhenEmpty();
        }
    }

    /// <summary>Takes the timer that fired, when it is still the running one for its name.</summary>
    /// <returns><see langword="false"/> for a stale expiry (the resource arrived or the timer was replaced meanwhile).</returns>
    public bool TryTakeFiredTimer(string name, long id)
    {
        if (!_timers.TryGetValue(name, out var entry) || entry.Id != id)
        {
            return false;
        }

        _timers.Remove(name);
        entry.Timer.Dispose();
        TrimWhenEmpty();
        return true;
    }

    /// <summary>Forgets what arrived for <paramref name="name"/> and stops its timer (it is no longer subscribed).</summary>
    public void Forget(string name)
    {
        StopTimer(name);
        EndpointsReceived.Remove(name);
        EndpointsReportedMissing.Remove(name);
    }

    /// <summary>Stops every timer (the stream ended).</summary>
    public void StopAllTimers()
    {
        foreach (var (timer, _) in _timers.Values)
        {
            timer.Dispose();
        }

        _timers.Clear();
        TrimWhenEmpty();
    }

    /// <summary>
    /// Gives the table of the timers of a whole mesh back once the last one stopped: one timer runs per subscribed name
    /// until its assignment arrives, and a table of 10,000 empty slots would otherwise stay for the stream's life.
    /// </summary>
    private void TrimWhenEmpty()
    {
        if (_timers.Count == 0 && _timers.EnsureCapacity(0) > 16)
        {
            _timers.TrimExcess();
        }
    }

    /// <summary>The names with a running timer.</summary>
    public IEnumerable<string> TimedNames => _timers.Keys;
}
