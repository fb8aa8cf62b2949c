using MeshClient.Xds.Protos.Discovery;

namespace MeshClient.Xds.Protocol;

/// <summary>
/// One thing that happened on an ADS stream, handled in order by the stream loop: a response arrived, a
/// does-not-exist timer fired, the on-demand EDS set may have changed, or the stream ended.
/// </summary>
internal sealed class AdsStreamEvent
{
    private static readonly AdsStreamEvent DemandChangedEvent = new(null, null, 0, false, null) { DemandChanged = true };

    private AdsStreamEvent(DiscoveryResponse? response, string? missingResourceName, long timerId, bool ended, Exception? error)
    {
        Response = response;
        MissingResourceName = missingResourceName;
        TimerId = timerId;
        Ended = ended;
        Error = error;
    }

    /// <summary>The response that arrived, or <see langword="null"/>.</summary>
    public DiscoveryResponse? Response { get; }

    /// <summary>The delta response that arrived, or <see langword="null"/>.</summary>
    public DeltaDiscoveryResponse? DeltaResponse { get; private init; }

    /// <summary>Whether the on-demand EDS set may have changed (a new service was used, or the idle sweep is due).</summary>
    public bool DemandChanged { get; private init; }

    /// <summary>The EDS name whose does-not-exist timer fired, or <see langword="null"/>.</summary>
    public string? MissingResourceName { get; }

    /// <summary>The id of the timer that fired.</summary>
    public long TimerId { get; }

    /// <summary>Whether the stream ended.</summary>
    public bool Ended { get; }

    /// <summary>Why the stream ended; <see langword="null"/> when the server closed it with status OK.</summary>
    public Exception? Error { get; }

    public static AdsStreamEvent Received(DiscoveryResponse response) => new(response, null, 0, false, null);

    public static AdsStreamEvent ReceivedDelta(DeltaDiscoveryResponse response) => new(null, null, 0, false, null) { DeltaResponse = response };

    public static AdsStreamEvent OnDemandChanged() => DemandChangedEvent;

    public static AdsStreamEvent TimerFired(string resourceName, long timerId) => new(null, resourceName, timerId, false, null);

    public static AdsStreamEvent StreamEnded(Exception? error) => new(null, null, 0, true, error);
}
