using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MeshClient.Tests.Shared;

/// <summary>
/// Certificates for TLS tests, made in the test with <see cref="CertificateRequest"/> (ECDSA P-256), and a temporary
/// directory for their PEM files (deleted on dispose). Nothing is checked in.
/// </summary>
internal sealed class PilotTestPki : IDisposable
{
    /// <summary>The name istiod's certificate carries.</summary>
    public const string IstiodName = "istiod.istio-system.svc";

    public PilotTestPki()
    {
        Directory = Path.Combine(Path.GetTempPath(), "meshclient-pki-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(Directory);
    }

    /// <summary>The temporary directory.</summary>
    public string Directory { get; }

    /// <summary>A self-signed CA valid from 30 days ago for 10 years.</summary>
    public static X509Certificate2 CreateCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}, O=MeshClient tests", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-30), now.AddYears(10));
        return Reload(certificate);
    }

    /// <summary>A leaf certificate signed by <paramref name="ca"/> for server and client authentication.</summary>
    /// <param name="ca">The issuing CA (with its key).</param>
    /// <param name="name">The subject's common name and first DNS name.</param>
    /// <param name="dnsNames">More DNS names.</param>
    /// <param name="ipAddresses">IP address names.</param>
    /// <param name="notBefore">Valid from; a day ago when <see langword="null"/>.</param>
    /// <param name="notAfter">Valid until; a year from now when <see langword="null"/>.</param>
    public static X509Certificate2 Issue(
        X509Certificate2 ca,
        string name,
        IEnumerable<string>? dnsNames = null,
        IEnumerable<IPAddress>? ipAddresses = null,
        DateTimeOffset? notBefore = null,
        DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        foreach (var dns in dnsNames ?? [])
        {
            san.AddDnsName(dns);
        }

        foreach (var ip in ipAddresses ?? [])
        {
            san.AddIpAddress(ip);
        }

        request.CertificateExtensions.Add(san.Build());
        var now = DateTimeOffset.UtcNow;
        var serial = new byte[8];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        using var issued = request.Create(ca, notBefore ?? now.AddDays(-1), notAfter ?? now.AddYears(1), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    /// <summary>Writes <paramref name="certificates"/> as one PEM file and returns its path.</summary>
    public string WriteCertificates(string fileName, params X509Certificate2[] certificates)
    {
        var path = Path.Combine(Directory, fileName);
        File.WriteAllText(path, string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n")));
        return path;
    }

    /// <summary>Writes the private key of <paramref name="certificate"/> as a PKCS#8 PEM file and returns its path.</summary>
    public string WriteKey(string fileName, X509Certificate2 certificate)
    {
        var path = Path.Combine(Directory, fileName);
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The certificate has no ECDSA private key.");
        File.WriteAllText(path, key.ExportPkcs8PrivateKeyPem());
        return path;
    }

    /// <summary>The first line of the private key's PEM body (64 base64 characters), to search output for.</summary>
    public static string KeyMaterial(X509Certificate2 certificate)
    {
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The certificate has no ECDSA private key.");
        return key.ExportPkcs8PrivateKeyPem().Split('\n')[1].Trim();
    }

    /// <summary>Writes <paramref name="text"/> to a file in the directory and returns its path.</summary>
    public string WriteText(string fileName, string text)
    {
        var path = Path.Combine(Directory, fileName);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A socket file still in use: the temporary directory is cleaned by the system.
        }
    }

    /// <summary>A PKCS#12 round trip, so the key is a persisted one that SslStream (server or client) can use everywhere.</summary>
    private static X509Certificate2 Reload(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
}
