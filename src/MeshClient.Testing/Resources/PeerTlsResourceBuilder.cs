using System.Globalization;
using MeshClient.Xds.Protos.Matcher;
using MeshClient.Xds.Protos.Tls;

namespace MeshClient.Testing.Resources;

/// <summary>
/// Builds the UpstreamTlsContext istiod sends for ISTIO_MUTUAL: the SNI <c>outbound_.PORT_.SUBSET_.HOST</c>, the ALPN
/// protocols, the SDS secrets <c>default</c> (workload certificate) and <c>ROOTCA</c>, and the peer identities as
/// subject-alt-name matchers of <c>combined_validation_context.default_validation_context</c>.
/// </summary>
internal static class PeerTlsResourceBuilder
{
    public static UpstreamTlsContext Build(FakePeerTls tls, FakeService service, string subset)
    {
        var validation = new CertificateValidationContext();
        foreach (var name in tls.SubjectAltNames)
        {
            var matcher = new StringMatcher { Exact = name };
            if (tls.Untyped)
            {
                validation.MatchSubjectAltNames.Add(matcher);
            }
            else
            {
                validation.MatchTypedSubjectAltNames.Add(new SubjectAltNameMatcher { SanType = SubjectAltNameMatcher.Types.SanType.Uri, Matcher = matcher });
            }
        }

        var common = new CommonTlsContext
        {
            TlsCertificateSdsSecretConfigs = { new SdsSecretConfig { Name = "default" } },
            CombinedValidationContext = new CommonTlsContext.Types.CombinedCertificateValidationContext
            {
                DefaultValidationContext = validation,
                ValidationContextSdsSecretConfig = new SdsSecretConfig { Name = "ROOTCA" },
            },
        };
        common.AlpnProtocols.AddRange(tls.AlpnProtocols);
        return new UpstreamTlsContext
        {
            CommonTlsContext = common,
            Sni = tls.Sni ?? string.Create(CultureInfo.InvariantCulture, $"outbound_.{service.Port}_.{subset}_.{service.Host}"),
        };
    }
}
