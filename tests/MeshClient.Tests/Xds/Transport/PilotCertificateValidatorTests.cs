using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MeshClient.Tests.Shared;
using MeshClient.Xds.Transport;
using Microsoft.Extensions.Time.Testing;

namespace MeshClient.Tests.Xds.Transport;

/// <summary>Each check of Pilot's certificate on its own: chain to the CA file, validity on the given clock, name.</summary>
public sealed class PilotCertificateValidatorTests : IDisposable
{
    private readonly X509Certificate2 _ca = PilotTestPki.CreateCa("mesh root");

    public void Dispose() => _ca.Dispose();

    [Fact]
    public void A_certificate_from_the_ca_with_the_name_passes()
    {
        using var server = PilotTestPki.Issue(_ca, PilotTestPki.IstiodName);

        Assert.Null(Validator().Check(server, null));
    }

    [Fact]
    public void Validity_is_checked_on_the_given_clock()
    {
        using var server = PilotTestPki.Issue(_ca, PilotTestPki.IstiodName, notAfter: DateTimeOffset.UtcNow.AddDays(2));
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(3));

        var problem = Validator(clock: clock).Check(server, null);

        Assert.Contains("expired: the certificate of 'istiod.istio-system.svc' was valid until", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_not_yet_valid_says_so()
    {
        using var server = PilotTestPki.Issue(_ca, PilotTestPki.IstiodName, notBefore: DateTimeOffset.UtcNow.AddDays(1), notAfter: DateTimeOffset.UtcNow.AddDays(30));

        Assert.Contains("not yet valid", Validator().Check(server, null), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_ca_file_the_system_store_decides()
    {
        using var server = PilotTestPki.Issue(_ca, PilotTestPki.IstiodName);

        var problem = new PilotCertificateValidator(null, PilotTestPki.IstiodName, "the system's trusted CAs", TimeProvider.System).Check(server, null);

        Assert.Contains("untrusted CA", problem, StringComparison.Ordinal);
        Assert.Contains("the system's trusted CAs", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_failed_checks_are_all_named()
    {
        using var otherCa = PilotTestPki.CreateCa("another root");
        using var server = PilotTestPki.Issue(otherCa, "pilot.elsewhere", notBefore: DateTimeOffset.UtcNow.AddDays(-5), notAfter: DateTimeOffset.UtcNow.AddDays(-1));

        var problem = Validator().Check(server, null);

        Assert.Contains("untrusted CA", problem, StringComparison.Ordinal);
        Assert.Contains("expired", problem, StringComparison.Ordinal);
        Assert.Contains("name mismatch: the certificate does not name 'istiod.istio-system.svc' (it names 'pilot.elsewhere')", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*.istio-system.svc", "istiod.istio-system.svc", true)]
    [InlineData("istiod.istio-system.svc", "ISTIOD.istio-system.svc", true)]
    [InlineData("istiod.istio-system.svc", "istiod.istio-system", false)]
    [InlineData("*.svc", "istiod.istio-system.svc", false)]
    public void Names_match_as_tls_does(string certificateName, string expected, bool matches)
    {
        using var server = PilotTestPki.Issue(_ca, certificateName);

        Assert.Equal(matches, Validator(expected).Check(server, null) is null);
    }

    [Fact]
    public void An_ip_address_matches_an_ip_name()
    {
        using var server = PilotTestPki.Issue(_ca, "pilot", ipAddresses: [IPAddress.Parse("10.96.0.12")]);

        Assert.Null(Validator("10.96.0.12").Check(server, null));
        Assert.NotNull(Validator("10.96.0.13").Check(server, null));
    }

    [Fact]
    public void The_callback_keeps_the_last_rejection_until_a_certificate_passes()
    {
        using var good = PilotTestPki.Issue(_ca, PilotTestPki.IstiodName);
        using var wrongName = PilotTestPki.Issue(_ca, "other.svc");
        var validator = Validator();

        Assert.False(validator.Validate(this, wrongName, null, SslPolicyErrors.None));
        Assert.Contains("name mismatch", validator.LastRejection, StringComparison.Ordinal);
        Assert.False(validator.Validate(this, null, null, SslPolicyErrors.RemoteCertificateNotAvailable));
        Assert.Equal("Pilot sent no certificate", validator.LastRejection);

        // The TLS stack's own verdict does not count: the checks here decide.
        Assert.True(validator.Validate(this, good, null, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.Null(validator.LastRejection);
    }

    private PilotCertificateValidator Validator(string name = PilotTestPki.IstiodName, TimeProvider? clock = null) =>
        new([_ca], name, "the CA file 'root-cert.pem'", clock ?? TimeProvider.System);
}
