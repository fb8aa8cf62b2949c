namespace MeshClient;

/// <summary>How MeshClient finds the endpoints of a call.</summary>
public enum MeshMode
{
    /// <summary>Discover clusters and endpoints from Pilot over xDS and balance in process (go-chassis with <c>pilotv2</c>).</summary>
    Pilot = 0,

    /// <summary>
    /// No registry: the Envoy sidecar balances. Calls go to the Kubernetes service name derived by the go-micro
    /// address rule (see <see cref="Sidecar.SidecarAddress"/>).
    /// </summary>
    Sidecar = 1,
}
