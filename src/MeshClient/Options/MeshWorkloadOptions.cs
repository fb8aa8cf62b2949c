namespace MeshClient;

/// <summary>
/// The workload's own certificate for Istio mutual TLS to peers (ISTIO_MUTUAL): the PEM files istio-agent writes and
/// rotates. When configured, a call to an endpoint marked <c>tlsMode: istio</c> in a cluster whose CDS carries an
/// UpstreamTlsContext goes over TLS with this certificate, and the peer's certificate is checked against the root.
/// </summary>
public sealed class MeshWorkloadOptions
{
    /// <summary>The directory istio-agent writes the workload certificate to in Istio's proxyless (grpc-agent) pod template.</summary>
    internal const string IstioAgentDirectory = "/var/lib/istio/data";

    /// <summary>
    /// The PEM certificate chain: the workload certificate first, then its intermediates. Set with
    /// <see cref="PrivateKeyFile"/> and <see cref="RootCertificateFile"/>, or leave all three unset: then istio-agent's
    /// <c>/var/lib/istio/data/cert-chain.pem</c>, <c>key.pem</c> and <c>root-cert.pem</c> are used when they exist,
    /// and peers are called in plaintext when they do not.
    /// </summary>
    public string? CertificateChainFile { get; set; }

    /// <summary>The PEM private key of the workload certificate (PKCS#8, PKCS#1 or SEC1). Never logged.</summary>
    public string? PrivateKeyFile { get; set; }

    /// <summary>The PEM root certificate(s) of the mesh: peer certificates must chain to one of them.</summary>
    public string? RootCertificateFile { get; set; }
}
