using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using MeshClient.Registry;

namespace MeshClient.Http;

/// <summary>
/// Checks a peer's certificate as Envoy does for ISTIO_MUTUAL: its chain must lead to the mesh root (and every
/// certificate in it be within its validity period), and one of its SANs must pass one of the cluster's matchers.
/// Returns which check failed, in words, or <see langword="null"/> when all pass.
/// </summary>
internal static class PeerCertificateCheck
{
    /// <summary>Checks <paramref name="certificate"/>.</summary>
    /// <param name="certificate">The peer's leaf certificate, or <see langword="null"/> when it sent none.</param>
    /// <param name="presented">The intermediates the peer sent.</param>
    /// <param name="roots">The mesh roots.</param>
    /// <param name="matchers">The cluster's SAN matchers; empty for any SAN.</param>
    /// <param name="now">The time of the check.</param>
    /// <returns>Why the certificate is refused, starting with the failed check's name; <see langword="null"/> when it passes.</returns>
    public static string? Check(
        X509Certificate2? certificate,
        X509Certificate2Collection? presented,
        X509Certificate2Collection roots,
        IReadOnlyList<SubjectAltNameMatcher> matchers,
        DateTime now)
    {
        if (certificate is null)
        {
            return "no peer certificate: the peer sent none";
        }

        var reason = CheckChain(certificate, presented, roots, now);
        if (reason is not null)
        {
            return reason;
        }

        if (matchers.Count == 0)
        {
            return null;
        }

        var names = SubjectAltNames.Parse(certificate);
        foreach (var (type, value) in names)
        {
            foreach (var matcher in matchers)
            {
                if (matcher.Matches(type, value))
                {
                    return null;
                }
            }
        }

        var shown = names.Count == 0 ? "none" : string.Join(", ", names.Select(n => $"{n.Type}:{n.Value}"));
        return $"SAN mismatch: the peer certificate's SANs [{shown}] match none of the cluster's [{string.Join(", ", matchers)}]";
    }

    private static string? CheckChain(X509Certificate2 certificate, X509Certificate2Collection? presented, X509Certificate2Collection roots, DateTime now)
    {
        var utc = DateTime.SpecifyKind(now, DateTimeKind.Utc);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = utc;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        if (presented is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(presented);
        }

        if (chain.Build(certificate))
        {
            return null;
        }

        var flags = X509ChainStatusFlags.NoError;
        foreach (var status in chain.ChainStatus)
        {
            flags |= status.Status;
        }

        var subject = certificate.Subject.Length > 0 ? certificate.Subject : string.Join(", ", SubjectAltNames.Read(certificate));
        if ((flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0)
        {
            return $"untrusted chain: the peer certificate '{subject}' (issuer '{certificate.Issuer}') does not chain to the mesh root";
        }

        if ((flags & X509ChainStatusFlags.NotTimeValid) != 0)
        {
            var notAfter = certificate.NotAfter.ToUniversalTime();
            var notBefore = certificate.NotBefore.ToUniversalTime();
            return notAfter < utc
                ? string.Create(CultureInfo.InvariantCulture, $"expired: the peer certificate '{subject}' expired at {notAfter:u}")
                : notBefore > utc
                    ? string.Create(CultureInfo.InvariantCulture, $"not yet valid: the peer certificate '{subject}' is valid from {notBefore:u}")
                    : $"expired: a certificate in the chain of '{subject}' is outside its validity period";
        }

        var details = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal));
        return $"invalid chain: the peer certificate '{subject}' fails validation against the mesh root ({flags}{(details.Length > 0 ? ": " + details : string.Empty)})";
    }
}
