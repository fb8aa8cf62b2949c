using MeshClient.Xds;

namespace MeshClient;

/// <summary>The connection to Pilot / istiod.</summary>
public sealed class MeshPilotOptions
{
    /// <summary>
    /// Pilot's xDS address: <c>grpc://</c> or <c>http://</c> for plaintext (port 15010), <c>https://</c> for TLS.
    /// Default <c>grpc://istiod.istio-system:15010</c>.
    /// </summary>
    public string Address { get; set; } = "grpc://istiod.istio-system:15010";

    /// <summary>The xDS API version: <see cref="XdsVersion.V3"/> for istiod 1.8 and later (default), <see cref="XdsVersion.V2"/> for Pilot 1.0 to 1.7.</summary>
    public XdsVersion XdsVersion { get; set; } = XdsVersion.V3;

    /// <summary>
    /// How resources are exchanged: <see cref="XdsProtocol.StateOfTheWorld"/> (default) or <see cref="XdsProtocol.Delta"/>
    /// (incremental xDS; needs <see cref="XdsVersion"/> V3).
    /// </summary>
    public XdsProtocol XdsProtocol { get; set; } = XdsProtocol.StateOfTheWorld;

    /// <summary>
    /// When <see langword="true"/>, endpoints (EDS) are subscribed only for the services the app calls, on first use (that
    /// call waits up to <see cref="ResourceTimeout"/> for them), and unsubscribed after <see cref="OnDemandIdleTimeout"/>
    /// without a call. Clusters (CDS) are always subscribed whole. Default <see langword="false"/>: every service's endpoints.
    /// </summary>
    public bool OnDemandEndpoints { get; set; }

    /// <summary>With <see cref="OnDemandEndpoints"/>: how long a service may go without a call before its endpoints are unsubscribed. Default 5 min.</summary>
    public TimeSpan OnDemandIdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long start-up waits for the first complete state before going on without it. Default 10 s.</summary>
    public TimeSpan InitialSyncTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a requested resource may take before it is reported as does-not-exist. Default 15 s.</summary>
    public TimeSpan ResourceTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The first reconnect delay. Default 1 s.</summary>
    public TimeSpan ReconnectInitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The factor each further reconnect delay grows by. Default 1.6.</summary>
    public double ReconnectBackoffMultiplier { get; set; } = 1.6;

    /// <summary>The longest reconnect delay. Default 30 s.</summary>
    public TimeSpan ReconnectMaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Bounds on what one xDS response may hold (<c>Mesh:Pilot:Limits:MaxClusters</c> and so on); a response over one
    /// is rejected and the state in force stays.
    /// </summary>
    public XdsResourceLimits Limits { get; set; } = new();
}
