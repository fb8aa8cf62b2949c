using MeshClient.Xds;

namespace MeshClient;

/// <summary>The connection to Pilot / istiod.</summary>
public sealed class MeshPilotOptions
{
    /// <summary>The CA bundle istio-agent and the Istio pod template mount: the default of <see cref="CaFile"/> when it exists.</summary>
    public const string DefaultCaFile = "/var/run/secrets/istio/root-cert.pem";

    /// <summary>The projected service-account token (audience istio-ca) of the Istio pod template: the default of <see cref="TokenFile"/> when it exists.</summary>
    public const string DefaultTokenFile = "/var/run/secrets/tokens/istio-token";

    /// <summary>
    /// Pilot's xDS address: <c>grpc://</c> or <c>http://</c> for plaintext (port 15010), <c>https://</c> for TLS
    /// (istiod's port 15012, with a token), or <c>unix:///etc/istio/proxy/XDS</c> for istio-agent's xDS proxy in
    /// Istio's proxyless gRPC pod template (the agent adds the token itself).
    /// Default <c>grpc://istiod.istio-system:15010</c>.
    /// </summary>
    public string Address { get; set; } = "grpc://istiod.istio-system:15010";

    /// <summary>
    /// The PEM file of the CA certificates Pilot's certificate must chain to, for an <c>https://</c> address.
    /// <see langword="null"/> (the default): <see cref="DefaultCaFile"/> when it exists, else the system's trusted CAs;
    /// empty: the system's trusted CAs.
    /// </summary>
    public string? CaFile { get; set; }

    /// <summary>
    /// The name Pilot's certificate must carry, for an <c>https://</c> address: istiod's is
    /// <c>istiod.istio-system.svc</c>. <see langword="null"/> (the default): the address's host.
    /// </summary>
    public string? ServerName { get; set; }

    /// <summary>The PEM certificate presented to Pilot for mutual TLS (<c>https://</c> only), with <see cref="ClientKeyFile"/>. Default none.</summary>
    public string? ClientCertificateFile { get; set; }

    /// <summary>The PEM private key of <see cref="ClientCertificateFile"/>.</summary>
    public string? ClientKeyFile { get; set; }

    /// <summary>
    /// The file of the bearer token sent as <c>authorization: Bearer ...</c> on every stream to an <c>https://</c> (or
    /// <c>unix://</c>) address; it is read again at every stream's start, so a rotated token is picked up on the next
    /// reconnect. <see langword="null"/> (the default): <see cref="DefaultTokenFile"/> when it exists and the address
    /// is <c>https://</c>; empty: no token. Never sent over a plaintext network address.
    /// </summary>
    public string? TokenFile { get; set; }

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

    /// <summary>
    /// How long start-up waits for the first complete state before going on without it; zero starts without waiting
    /// (then wait on <see cref="Registry.MeshRegistry.WaitForFirstSyncAsync"/> when you need the state). Default 10 s.
    /// </summary>
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
