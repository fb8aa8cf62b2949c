using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace MeshClient.Xds.Transport;

/// <summary>
/// Checks Pilot's (istiod's) TLS certificate: its chain against the CA bundle (X509Chain with CustomRootTrust) or,
/// without one, against the system store; its validity period on the given clock; and that it names the expected
/// server (<c>istiod.istio-system.svc</c>). A rejection says which check failed; the last one is kept so the
/// transport can put it in the call's error, where the TLS stack only says "rejected by the callback".
/// </summary>
internal sealed class PilotCertificateValidator
{
    private readonly X509Certificate2Collection? _roots;
    private readonly string _serverName;
    private readonly string _trustSource;
    private readonly TimeProvider _timeProvider;
    private volatile string? _lastRejection;

    /// <param name="roots">The trusted CA certificates, or <see langword="null"/> for the system store.</param>
    /// <param name="serverName">The name (DNS name or IP address) the certificate must carry.</param>
    /// <param name="trustSource">Where the roots come from, for messages (the CA file's path).</param>
    /// <param name="timeProvider">The clock the validity period is checked on.</param>
    public PilotCertificateValidator(X509Certificate2Collection? roots, string serverName, string trustSource, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serverName);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _roots = roots;
        _serverName = serverName;
        _trustSource = trustSource;
        _timeProvider = timeProvider;
    }

    /// <summary>The expected server name.</summary>
    public string ServerName => _serverName;

    /// <summary>Why the last certificate was rejected, or <see langword="null"/> when the last one passed (or none was seen).</summary>
    public string? LastRejection => _lastRejection;

    /// <summary>The <see cref="RemoteCertificateValidationCallback"/>: every check, not the TLS stack's own verdict.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var problem = certificate is null
            ? "Pilot sent no certificate"
            : Check(certificate as X509Certificate2 ?? new X509Certificate2(certificate), chain);
        _lastRejection = problem;
        return problem is null;
    }

    /// <summary>Checks <paramref name="certificate"/>; returns why it is not acceptable, or <see langword="null"/>.</summary>
    /// <param name="certificate">The server's certificate.</param>
    /// <param name="presented">The chain the TLS stack built, whose intermediates the server sent; may be <see langword="null"/>.</param>
    public string? Check(X509Certificate2 certificate, X509Chain? presented)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var now = _timeProvider.GetUtcNow();
        var problems = new List<string>();
        using (var chain = new X509Chain())
        {
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationTime = now.UtcDateTime;
            if (_roots is not null)
            {
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(_roots);
            }

            if (presented is not null)
            {
                foreach (var element in presented.ChainElements)
                {
                    if (!element.Certificate.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span))
                    {
                        chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                    }
                }
            }

            if (!chain.Build(certificate))
            {
                var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, status) => all | status.Status);
                if ((flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0)
                {
                    problems.Add($"untrusted CA: the certificate of '{Subject(certificate)}' (issued by '{certificate.Issuer}') does not chain to a CA in {_trustSource}");
                }

                if ((flags & X509ChainStatusFlags.NotTimeValid) != 0)
                {
                    problems.Add(ValidityProblem(chain, now));
                }

                var others = flags & ~(X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain | X509ChainStatusFlags.NotTimeValid);
                if (others != X509ChainStatusFlags.NoError)
                {
                    problems.Add($"invalid chain: {others}");
                }
            }
        }

        if (!certificate.MatchesHostname(_serverName, allowWildcards: true, allowCommonName: false))
        {
            problems.Add($"name mismatch: the certificate does not name '{_serverName}' (it names {Names(certificate)})");
        }

        return problems.Count == 0 ? null : "Pilot's certificate was rejected: " + string.Join("; ", problems);
    }

    private static string ValidityProblem(X509Chain chain, DateTimeOffset now)
    {
        foreach (var element in chain.ChainElements)
        {
            var cert = element.Certificate;
            if (cert.NotAfter.ToUniversalTime() < now.UtcDateTime)
            {
                return $"expired: the certificate of '{Subject(cert)}' was valid until {Format(cert.NotAfter)}";
            }

            if (cert.NotBefore.ToUniversalTime() > now.UtcDateTime)
            {
                return $"not yet valid: the certificate of '{Subject(cert)}' is valid from {Format(cert.NotBefore)}";
            }
        }

        return "expired: a certificate of the chain is outside its validity period";
    }

    private static string Subject(X509Certificate2 certificate) =>
        certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false) is { Length: > 0 } name ? name : certificate.Subject;

    private static string Names(X509Certificate2 certificate)
    {
        var names = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                names.AddRange(san.EnumerateDnsNames());
                names.AddRange(san.EnumerateIPAddresses().Select(ip => ip.ToString()));
            }
        }

        return names.Count == 0 ? "no DNS name or IP address" : string.Join(", ", names.Select(n => $"'{n}'"));
    }

    private static string Format(DateTime time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
