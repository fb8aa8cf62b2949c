using System.Net;
using System.Security.Cryptography.X509Certificates;
using MeshClient.Testing;
using MeshClient.Tests.Shared;
using MeshClient.Xds.Transport;

namespace MeshClient.Tests.Xds.Transport;

/// <summary>
/// The ADS client to a FakePilot serving TLS over real loopback HTTP/2 (Kestrel, ALPN): Pilot's certificate is checked
/// against the CA file and the expected name, and a rejection says which check failed.
/// </summary>
public sealed class PilotTlsTests : IDisposable
{
    private readonly PilotTestPki _pki = new();
    private readonly X509Certificate2 _ca = PilotTestPki.CreateCa("mesh root");

    public void Dispose()
    {
        _ca.Dispose();
        _pki.Dispose();
    }

    [Fact]
    public async Task Right_ca_and_name_syncs()
    {
        using var server = PilotTestPki.Issue(_ca, PilotTestPki.IstiodName);
        await using var pilot = await StartPilotAsync(server);

        await using var connection = PilotConnection.Start(TlsOptions(pilot, _pki.WriteCertificates("root-cert.pem", _ca)));
        await connection.SyncedAsync();

        Assert.Equal("https", pilot.Address.Scheme);
        Assert.Contains("outbound|9080||reviews.default.svc.cluster.local", connection.Registry.Current.Clusters.Keys);
        Assert.Null(connection.Registry.LastError);
    }

    [Fact]
    public async Task The_address_host_is_the_expected_name_when_no_server_name_is_set()
    {
        using var server = PilotTestPki.Issue(_ca, "pilot.test", ipAddresses: [IPAddress.Loopback]);
        await using var pilot = await StartPilotAsync(server);

        await using var connection = PilotConnection.Start(new GrpcTransportOptions { Address = pilot.Address, CaFile = _pki.WriteCertificates("root-cert.pem", _ca) });

        await connection.SyncedAsync();
    }

    [Fact]
    public async Task Untrusted_ca_is_refused_and_named()
    {
        using var otherCa = PilotTestPki.CreateCa("another root");
        using var server = PilotTestPki.Issue(otherCa, PilotTestPki.IstiodName);
        await using var pilot = await StartPilotAsync(server);
        var caFile = _pki.WriteCertificates("root-cert.pem", _ca);

        await using var connection = PilotConnection.Start(TlsOptions(pilot, caFile));
        var error = await connection.FirstErrorAsync();

        Assert.Contains("TLS handshake with Pilot failed", error, StringComparison.Ordinal);
        Assert.Contains("untrusted CA", error, StringComparison.Ordinal);
        Assert.Contains(caFile, error, StringComparison.Ordinal);
        Assert.DoesNotContain("name mismatch", error, StringComparison.Ordinal);
        Assert.DoesNotContain("expired", error, StringComparison.Ordinal);
        Assert.False(connection.Registry.HasSynced);
        Assert.Equal(0, pilot.ConnectedStreamCount);
    }

    [Fact]
    public async Task Name_mismatch_is_refused_and_named()
    {
        using var server = PilotTestPki.Issue(_ca, "istiod.other-namespace.svc");
        await using var pilot = await StartPilotAsync(server);

        await using var connection = PilotConnection.Start(TlsOptions(pilot, _pki.WriteCertificates("root-cert.pem", _ca)));
        var error = await connection.FirstErrorAsync();

        Assert.Contains("name mismatch", error, StringComparison.Ordinal);
        Assert.Contains($"does not name '{PilotTestPki.IstiodName}'", error, StringComparison.Ordinal);
        Assert.Contains("'istiod.other-namespace.svc'", error, StringComparison.Ordinal);
        Assert.DoesNotContain("untrusted CA", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expired_certificate_is_refused_and_named()
    {
        var now = DateTimeOffset.UtcNow;
        using var server = PilotTestPki.Issue(_ca, PilotTestPki.IstiodName, notBefore: now.AddDays(-10), notAfter: now.AddDays(-1));
        await using var pilot = await StartPilotAsync(server);

        await using var connection = PilotConnection.Start(TlsOptions(pilot, _pki.WriteCertificates("root-cert.pem", _ca)));
        var error = await connection.FirstErrorAsync();

        Assert.Contains("expired", error, StringComparison.Ordinal);
        Assert.Contains("valid until", error, StringComparison.Ordinal);
        Assert.DoesNotContain("untrusted CA", error, StringComparison.Ordinal);
        Assert.DoesNotContain("name mismatch", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_certificate_is_presented_for_mutual_tls()
    {
        using var server = PilotTestPki.Issue(_ca, PilotTestPki.IstiodName);
        using var client = PilotTestPki.Issue(_ca, "productpage.default.svc");
        var presented = new List<string>();
        await using var pilot = await StartPilotAsync(server, new FakePilotOptions
        {
            RequireClientCertificate = true,
            ClientCertificateValidation = certificate =>
            {
                lock (presented)
                {
                    presented.Add(certificate.Thumbprint);
                }

                return true;
            },
        });
        var options = TlsOptions(pilot, _pki.WriteCertificates("root-cert.pem", _ca));
        var mutual = new GrpcTransportOptions
        {
            Address = options.Address,
            CaFile = options.CaFile,
            ServerName = options.ServerName,
            ClientCertificateFile = _pki.WriteCertificates("cert-chain.pem", client),
            ClientKeyFile = _pki.WriteKey("key.pem", client),
        };

        await using var connection = PilotConnection.Start(mutual);
        await connection.SyncedAsync();

        lock (presented)
        {
            Assert.Contains(client.Thumbprint, presented);
        }
    }

    [Fact]
    public async Task Without_the_client_certificate_pilot_requiring_one_refuses_the_connection()
    {
        using var server = PilotTestPki.Issue(_ca, PilotTestPki.IstiodName);
        await using var pilot = await StartPilotAsync(server, new FakePilotOptions { RequireClientCertificate = true });

        await using var connection = PilotConnection.Start(TlsOptions(pilot, _pki.WriteCertificates("root-cert.pem", _ca)));
        var error = await connection.FirstErrorAsync();

        // Depending on when the server's alert arrives (in the handshake or right after it, TLS 1.3), Grpc.Net.Client
        // reports Internal or Unavailable; either way Pilot's own certificate passed the client's checks.
        Assert.False(connection.Registry.HasSynced);
        Assert.Matches("Internal|Unavailable", error);
        Assert.DoesNotContain("Pilot's certificate was rejected", error, StringComparison.Ordinal);
        Assert.Equal(0, pilot.ConnectedStreamCount);
    }

    private GrpcTransportOptions TlsOptions(FakePilot pilot, string caFile) => new()
    {
        Address = pilot.Address,
        CaFile = caFile,
        ServerName = PilotTestPki.IstiodName,
    };

    private static async Task<FakePilot> StartPilotAsync(X509Certificate2 certificate, FakePilotOptions? options = null)
    {
        options ??= new FakePilotOptions();
        options.ServerCertificate = certificate;
        var pilot = await FakePilot.StartAsync(options);
        pilot.SetService("reviews", 9080, [new FakeEndpoint("10.1.0.1", 9080)]);
        return pilot;
    }
}
