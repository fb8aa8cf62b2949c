namespace MeshClient.Registry;

/// <summary>The state of the registry's connection to Pilot.</summary>
public enum MeshConnectionState
{
    /// <summary>Connecting, and no state has been received yet.</summary>
    Connecting = 0,

    /// <summary>Connected, and the first complete CDS and EDS state has been applied.</summary>
    Synced = 1,

    /// <summary>The stream broke after data was received: the registry serves the last good state while it reconnects.</summary>
    Stale = 2,
}
