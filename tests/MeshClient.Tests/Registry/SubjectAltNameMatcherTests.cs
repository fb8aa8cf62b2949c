using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MeshClient.Http;
using MeshClient.Registry;

namespace MeshClient.Tests.Registry;

/// <summary>The SAN checks of a cluster's peer TLS settings, and the SANs read from a certificate.</summary>
public sealed class SubjectAltNameMatcherTests
{
    private const string Reviews = "spiffe://cluster.local/ns/default/sa/reviews";

    [Theory]
    [InlineData(nameof(StringMatchKind.Exact), Reviews, false, Reviews, true)]
    [InlineData(nameof(StringMatchKind.Exact), Reviews, false, Reviews + "-v2", false)]
    [InlineData(nameof(StringMatchKind.Exact), "SPIFFE://cluster.local/ns/default/sa/reviews", true, Reviews, true)]
    [InlineData(nameof(StringMatchKind.Exact), "SPIFFE://cluster.local/ns/default/sa/reviews", false, Reviews, false)]
    [InlineData(nameof(StringMatchKind.Prefix), "spiffe://cluster.local/ns/default/", false, Reviews, true)]
    [InlineData(nameof(StringMatchKind.Prefix), "spiffe://cluster.local/ns/prod/", false, Reviews, false)]
    [InlineData(nameof(StringMatchKind.Suffix), "/sa/reviews", false, Reviews, true)]
    [InlineData(nameof(StringMatchKind.Contains), "/ns/default/", false, Reviews, true)]
    [InlineData(nameof(StringMatchKind.Regex), "spiffe://cluster\\.local/ns/[a-z]+/sa/reviews", false, Reviews, true)]
    [InlineData(nameof(StringMatchKind.Regex), "cluster\\.local/ns", false, Reviews, false)]
    public void A_matcher_compares_as_its_kind_says(string kind, string pattern, bool ignoreCase, string value, bool expected)
    {
        Assert.Equal(expected, new SubjectAltNameMatcher(SubjectAltNameType.Uri, Enum.Parse<StringMatchKind>(kind), pattern, ignoreCase).Matches(SubjectAltNameType.Uri, value));
    }

    [Fact]
    public void A_typed_matcher_passes_only_its_kind_and_an_untyped_one_every_kind()
    {
        var uri = new SubjectAltNameMatcher(SubjectAltNameType.Uri, StringMatchKind.Exact, "reviews");
        var any = new SubjectAltNameMatcher(SubjectAltNameType.Any, StringMatchKind.Exact, "reviews");

        Assert.False(uri.Matches(SubjectAltNameType.Dns, "reviews"));
        Assert.True(any.Matches(SubjectAltNameType.Dns, "reviews"));
        Assert.True(any.Matches(SubjectAltNameType.Uri, "reviews"));
    }

    [Fact]
    public void Every_san_kind_is_read_from_a_certificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=x", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(Reviews));
        san.AddDnsName("reviews.default.svc");
        san.AddEmailAddress("ops@example.com");
        san.AddIpAddress(IPAddress.Parse("10.1.0.1"));
        san.AddUserPrincipalName("skipped@example.com");
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1));

        Assert.Equal(
            [(SubjectAltNameType.Uri, Reviews), (SubjectAltNameType.Dns, "reviews.default.svc"), (SubjectAltNameType.Email, "ops@example.com"), (SubjectAltNameType.IpAddress, "10.1.0.1")],
            SubjectAltNames.Parse(certificate));
    }

    [Fact]
    public void Peer_tls_settings_are_equal_only_when_every_part_is()
    {
        var san = new SubjectAltNameMatcher(SubjectAltNameType.Uri, StringMatchKind.Exact, Reviews);
        var settings = new PeerTlsSettings("sni", ["istio"], [san], allEndpoints: false);
        var same = new PeerTlsSettings("sni", ["istio"], [new SubjectAltNameMatcher(SubjectAltNameType.Uri, StringMatchKind.Exact, Reviews)], allEndpoints: false);

        Assert.Equal(settings, same);
        Assert.Equal(settings.GetHashCode(), same.GetHashCode());
        Assert.NotEqual(settings, new PeerTlsSettings("other", ["istio"], [san], allEndpoints: false));
        Assert.NotEqual(settings, new PeerTlsSettings("sni", ["istio", "h2"], [san], allEndpoints: false));
        Assert.NotEqual(settings, new PeerTlsSettings("sni", ["istio"], [new SubjectAltNameMatcher(SubjectAltNameType.Uri, StringMatchKind.Prefix, Reviews)], allEndpoints: false));
        Assert.NotEqual(settings, new PeerTlsSettings("sni", ["istio"], [san], allEndpoints: true));
        Assert.NotEqual(san, new SubjectAltNameMatcher(SubjectAltNameType.Dns, StringMatchKind.Exact, Reviews));
        Assert.NotEqual(san, new SubjectAltNameMatcher(SubjectAltNameType.Uri, StringMatchKind.Exact, Reviews, ignoreCase: true));
        Assert.Equal("SNI 'sni', ALPN [istio], Uri SAN='spiffe://cluster.local/ns/default/sa/reviews', endpoints marked tlsMode istio", settings.ToString());
    }
}
