using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using MeshClient.Testing;
using MeshClient.Tests.Shared;
using MeshClient.Tests.Routing;
using MeshClient.Xds.Transport;
using Microsoft.Extensions.Logging;

namespace MeshClient.Tests.Xds.Transport;

/// <summary>
/// The client certificate of the connection to Pilot rotates: over real TLS to a FakePilot that requires a client
/// certificate, each new connection (after Pilot restarts) presents what the files hold now, written the way a
/// Kubernetes secret volume is updated, and files caught half rotated keep the last good certificate in use.
/// </summary>
public sealed class PilotClientCertificateRotationTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly PilotTestPki _pki = new();
    private readonly X509Certificate2 _ca = PilotTestPki.CreateCa("mesh root");
    private readonly X509Certificate2 _server;
    private readonly X509Certificate2 _first;
    private readonly X509Certificate2 _second;
    private readonly Channel<string> _presented = Channel.CreateUnbounded<string>();

    public PilotClientCertificateRotationTests()
    {
        _server = PilotTestPki.Issue(_ca, PilotTestPki.IstiodName);
        _first = PilotTestPki.Issue(_ca, "productpage.default.svc");
        _second = PilotTestPki.Issue(_ca, "productpage.default.svc");
    }

    public void Dispose()
    {
        _second.Dispose();
        _first.Dispose();
        _server.Dispose();
        _ca.Dispose();
        _pki.Dispose();
    }

    [Fact]
    public async Task A_certificate_rotated_by_a_secret_volume_update_is_presented_on_the_next_connection()
    {
        // The kubelet's layout: files in a timestamped directory, reached through the "..data" symlink.
        var volume = Path.Combine(_pki.Directory, "certs");
        WriteVersion(volume, "..2026_11_30_a", _first);
        File.CreateSymbolicLink(Path.Combine(volume, "..data"), "..2026_11_30_a");
        File.CreateSymbolicLink(Path.Combine(volume, "cert-chain.pem"), Path.Combine("..data", "cert-chain.pem"));
        File.CreateSymbolicLink(Path.Combine(volume, "key.pem"), Path.Combine("..data", "key.pem"));
        await using var pilot = await StartPilotAsync();
        await using var connection = PilotConnection.Start(Options(pilot, Path.Combine(volume, "cert-chain.pem"), Path.Combine(volume, "key.pem")));
        await connection.SyncedAsync();
        Assert.Equal(_first.Thumbprint, await NextPresentedAsync());

        // The update: a new timestamped directory, a "..data_tmp" symlink to it renamed over "..data".
        WriteVersion(volume, "..2026_11_30_b", _second);
        File.CreateSymbolicLink(Path.Combine(volume, "..data_tmp"), "..2026_11_30_b");
        await KubeletVolume.RenameOverAsync(Path.Combine(volume, "..data_tmp"), Path.Combine(volume, "..data"), Bound);
        Directory.Delete(Path.Combine(volume, "..2026_11_30_a"), recursive: true);
        await pilot.RestartAsync();

        Assert.Equal(_second.Thumbprint, await NextPresentedAsync());
        await WaitForStreamAsync(pilot);
        Assert.Contains(connection.Logger.Entries, e => e.Level == LogLevel.Information && e.Message.Contains("client certificate", StringComparison.Ordinal) && e.Message.Contains("reloaded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Half_rotated_files_keep_the_last_good_certificate_and_say_why_until_the_rotation_completes()
    {
        var certificateFile = _pki.WriteCertificates("cert-chain.pem", _first);
        var keyFile = _pki.WriteKey("key.pem", _first);
        await using var pilot = await StartPilotAsync();
        await using var connection = PilotConnection.Start(Options(pilot, certificateFile, keyFile));
        await connection.SyncedAsync();
        Assert.Equal(_first.Thumbprint, await NextPresentedAsync());

        // The new certificate is written, its key not yet: they do not match.
        _pki.WriteCertificates("cert-chain.pem", _second);
        await pilot.RestartAsync();

        Assert.Equal(_first.Thumbprint, await NextPresentedAsync());
        await WaitForStreamAsync(pilot);
        var warning = Assert.Single(connection.Logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("client certificate not reloaded", StringComparison.Ordinal));
        Assert.Contains(certificateFile, warning.Message, StringComparison.Ordinal);
        Assert.Contains(keyFile, warning.Message, StringComparison.Ordinal);
        Assert.Contains("the previous certificate", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(PilotTestPki.KeyMaterial(_first), connection.AllOutput(), StringComparison.Ordinal);
        Assert.DoesNotContain(PilotTestPki.KeyMaterial(_second), connection.AllOutput(), StringComparison.Ordinal);

        // The key follows: the next connection presents the new certificate.
        _pki.WriteKey("key.pem", _second);
        await pilot.RestartAsync();

        Assert.Equal(_second.Thumbprint, await NextPresentedAsync());
        await WaitForStreamAsync(pilot);
    }

    [Fact]
    public void Unchanged_files_give_the_same_certificate_and_a_broken_then_mended_pair_gives_the_new_one()
    {
        var certificateFile = _pki.WriteCertificates("cert-chain.pem", _first);
        var keyFile = _pki.WriteKey("key.pem", _first);
        var logger = new RecordingLogger();
        var certificate = new PilotClientCertificate(certificateFile, keyFile, logger);

        var initial = certificate.Select();
        Assert.Equal(_first.Thumbprint, initial.Thumbprint);
        Assert.Same(initial, certificate.Select());

        _pki.WriteText("key.pem", "not a key");
        Assert.Same(initial, certificate.Select());
        Assert.Contains(keyFile, certificate.LastProblem, StringComparison.Ordinal);

        // The same problem again is not logged again.
        Assert.Same(initial, certificate.Select());
        Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);

        File.Delete(certificateFile);
        Assert.Same(initial, certificate.Select());
        Assert.Contains("cannot be read", certificate.LastProblem, StringComparison.Ordinal);

        // The same files back (a rewrite with the same content): the certificate in use, and no problem any more.
        _pki.WriteCertificates("cert-chain.pem", _first);
        _pki.WriteKey("key.pem", _first);
        Assert.Same(initial, certificate.Select());
        Assert.Null(certificate.LastProblem);

        _pki.WriteCertificates("cert-chain.pem", _second);
        _pki.WriteKey("key.pem", _second);
        var rotated = certificate.Select();
        Assert.Equal(_second.Thumbprint, rotated.Thumbprint);
        Assert.Same(rotated, certificate.Current);
        Assert.Null(certificate.LastProblem);
    }

    [Fact]
    public void A_pair_that_does_not_load_at_start_is_refused_naming_the_files()
    {
        var certificateFile = _pki.WriteCertificates("cert-chain.pem", _first);
        var keyFile = _pki.WriteKey("key.pem", _second);

        var error = Assert.Throws<ArgumentException>(() => new PilotClientCertificate(certificateFile, keyFile, new RecordingLogger()));

        Assert.Contains(certificateFile, error.Message, StringComparison.Ordinal);
        Assert.Contains(keyFile, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_at_start_is_refused_naming_it()
    {
        var keyFile = _pki.WriteKey("key.pem", _first);
        var certificateFile = Path.Combine(_pki.Directory, "missing-cert-chain.pem");

        var error = Assert.Throws<ArgumentException>(() => new PilotClientCertificate(certificateFile, keyFile, new RecordingLogger()));

        Assert.Contains(certificateFile, error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    private static void WriteVersion(string volume, string version, X509Certificate2 certificate)
    {
        var directory = Directory.CreateDirectory(Path.Combine(volume, version)).FullName;
        File.WriteAllText(Path.Combine(directory, "cert-chain.pem"), certificate.ExportCertificatePem() + "\n");
        using var key = certificate.GetECDsaPrivateKey()!;
        File.WriteAllText(Path.Combine(directory, "key.pem"), key.ExportPkcs8PrivateKeyPem());
    }

    private GrpcTransportOptions Options(FakePilot pilot, string certificateFile, string keyFile) => new()
    {
        Address = pilot.Address,
        CaFile = _pki.WriteCertificates("root-cert.pem", _ca),
        ServerName = PilotTestPki.IstiodName,
        ClientCertificateFile = certificateFile,
        ClientKeyFile = keyFile,
    };

    /// <summary>The thumbprint of the client certificate of the next TLS handshake Pilot sees.</summary>
    private async Task<string> NextPresentedAsync() => await _presented.Reader.ReadAsync().AsTask().WaitAsync(Bound);

    private static Task WaitForStreamAsync(FakePilot pilot) => pilot.WaitForConnectionCountAsync(1, Bound);

    private async Task<FakePilot> StartPilotAsync()
    {
        var pilot = await FakePilot.StartAsync(new FakePilotOptions
        {
            ServerCertificate = _server,
            RequireClientCertificate = true,
            ClientCertificateValidation = certificate =>
            {
                _presented.Writer.TryWrite(certificate.Thumbprint);
                return true;
            },
        });
        pilot.SetService("reviews", 9080, [new FakeEndpoint("10.1.0.1", 9080)]);
        return pilot;
    }
}
