using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace MeshClient.Http;

/// <summary>One loaded generation of the workload certificate: what a TLS handshake presents and trusts.</summary>
internal sealed class WorkloadCredentials
{
    public WorkloadCredentials(X509Certificate2 certificate, X509Certificate2Collection intermediates, X509Certificate2Collection roots)
    {
        Certificate = certificate;
        Roots = roots;
        Context = SslStreamCertificateContext.Create(certificate, intermediates, offline: true);
    }

    /// <summary>The workload certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The mesh root certificates peers must chain to.</summary>
    public X509Certificate2Collection Roots { get; }

    /// <summary>The certificate and its intermediates, as the handshake sends them.</summary>
    public SslStreamCertificateContext Context { get; }
}
