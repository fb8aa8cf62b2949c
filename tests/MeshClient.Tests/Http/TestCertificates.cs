using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MeshClient.Tests.Http;

/// <summary>
/// Certificates made in the test with <see cref="CertificateRequest"/> (nothing checked in): a mesh root, SPIFFE
/// workload certificates it issues, and the workload's PEM files in a temporary directory, as istio-agent writes them.
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("meshclient-tls-").FullName;

    public TestCertificates(string rootName = "mesh root")
    {
        Root = CreateRoot(rootName);
    }

    /// <summary>The mesh root, with its key.</summary>
    public X509Certificate2 Root { get; }

    public string ChainFile => Path.Combine(_directory, "cert-chain.pem");

    public string KeyFile => Path.Combine(_directory, "key.pem");

    public string RootFile => Path.Combine(_directory, "root-cert.pem");

    /// <summary>The options naming this directory's files.</summary>
    public MeshWorkloadOptions WorkloadOptions => new() { CertificateChainFile = ChainFile, PrivateKeyFile = KeyFile, RootCertificateFile = RootFile };

    public static string Spiffe(string serviceAccount, string ns = "default") => $"spiffe://cluster.local/ns/{ns}/sa/{serviceAccount}";

    public static X509Certificate2 CreateRoot(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"O=cluster.local, CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-30), now.AddYears(1));
    }

    /// <summary>A workload certificate for <paramref name="spiffeId"/> (its only SAN, empty subject, as Istio issues them), with its key.</summary>
    public static X509Certificate2 Issue(X509Certificate2 issuer, string spiffeId, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName(string.Empty), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(spiffeId));
        request.CertificateExtensions.Add(san.Build(critical: true));
        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(issuer, notBefore ?? now.AddHours(-1), notAfter ?? now.AddDays(1), serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Issues a workload certificate from <see cref="Root"/> and writes the three files as istio-agent does.</summary>
    public X509Certificate2 WriteWorkload(string spiffeId)
    {
        var workload = Issue(Root, spiffeId);
        File.WriteAllText(ChainFile, workload.ExportCertificatePem());
        File.WriteAllText(KeyFile, workload.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(RootFile, Root.ExportCertificatePem());
        return workload;
    }

    /// <summary>The base64 text of the workload key file, which must never appear in any output.</summary>
    public string KeyText() => string.Concat(File.ReadAllLines(KeyFile).Where(l => !l.StartsWith("-----", StringComparison.Ordinal)));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
