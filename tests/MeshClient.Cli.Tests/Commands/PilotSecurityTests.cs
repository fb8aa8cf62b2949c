using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using MeshClient.Cli.Commands;
using MeshClient.Testing;
using MeshClient.Tests.Shared;

namespace MeshClient.Cli.Tests.Commands;

/// <summary>
/// <c>meshctl endpoints</c> against a FakePilot that serves TLS and requires a token, as istiod on port 15012: the
/// real ADS client and transport, the files given by <c>--ca-file</c>, <c>--server-name</c>, <c>--cert-file</c>,
/// <c>--key-file</c>, <c>--token-file</c>.
/// </summary>
public sealed class PilotSecurityTests : IAsyncLifetime
{
    private const string Token = "meshctl-token-2f1c9a";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly PilotTestPki _pki = new();
    private readonly X509Certificate2 _ca = PilotTestPki.CreateCa("mesh root");
    private X509Certificate2 _client = null!;
    private FakePilot _pilot = null!;
    private string _caFile = null!;
    private string _tokenFile = null!;

    public async Task InitializeAsync()
    {
        _caFile = _pki.WriteCertificates("root-cert.pem", _ca);
        _tokenFile = _pki.WriteText("istio-token", Token + "\n");
        _client = PilotTestPki.Issue(_ca, "meshctl.default.svc");
        _pilot = await FakePilot.StartAsync(new FakePilotOptions
        {
            ServerCertificate = PilotTestPki.Issue(_ca, PilotTestPki.IstiodName),
            RequiredToken = Token,
        });
        _pilot.SetService("reviews", 9080, [new FakeEndpoint("10.1.0.1", 9080)]);
    }

    public async Task DisposeAsync()
    {
        await _pilot.DisposeAsync();
        _client.Dispose();
        _ca.Dispose();
        _pki.Dispose();
    }

    [Fact]
    public async Task Endpoints_over_tls_with_a_token_and_a_client_certificate()
    {
        var (exit, stdout, stderr) = await RunAsync(
            "--ca-file", _caFile, "--server-name", PilotTestPki.IstiodName, "--token-file", _tokenFile,
            "--cert-file", _pki.WriteCertificates("cert.pem", _client), "--key-file", _pki.WriteKey("key.pem", _client), "--json");

        Assert.True(exit == 0, stderr);
        using var document = JsonDocument.Parse(stdout);
        Assert.Contains(document.RootElement.GetProperty("clusters").EnumerateArray(), c => c.GetProperty("name").GetString() == "outbound|9080||reviews.default.svc.cluster.local");
        Assert.Equal([Token], _pilot.ReceivedTokens);
    }

    [Fact]
    public async Task A_wrong_token_exits_1_with_the_reason_and_without_the_token()
    {
        var wrong = _pki.WriteText("wrong-token", "not-the-token-77");

        var (exit, stdout, stderr) = await RunAsync("--ca-file", _caFile, "--server-name", PilotTestPki.IstiodName, "--token-file", wrong, "--timeout", "600");

        Assert.Equal(1, exit);
        Assert.Contains("token rejected by Pilot", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-token-77", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_untrusted_ca_exits_1_with_the_reason()
    {
        using var otherCa = PilotTestPki.CreateCa("another root");
        var otherCaFile = _pki.WriteCertificates("other-root.pem", otherCa);

        var (exit, stdout, stderr) = await RunAsync("--ca-file", otherCaFile, "--server-name", PilotTestPki.IstiodName, "--token-file", _tokenFile, "--timeout", "600");

        Assert.Equal(1, exit);
        Assert.Contains("untrusted CA", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, stdout + stderr, StringComparison.Ordinal);
        Assert.Empty(_pilot.ReceivedTokens);
    }

    [Fact]
    public async Task A_name_mismatch_exits_1_with_the_reason()
    {
        var (exit, _, stderr) = await RunAsync("--ca-file", _caFile, "--server-name", "istiod.elsewhere.svc", "--token-file", _tokenFile, "--timeout", "600");

        Assert.Equal(1, exit);
        Assert.Contains("name mismatch", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_is_a_usage_error()
    {
        var missing = Path.Combine(_pki.Directory, "nope.pem");

        var (exit, _, stderr) = await RunAsync("--ca-file", missing);

        Assert.Equal(2, exit);
        Assert.Contains($"option '--ca-file': the file '{missing}' does not exist", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Files_that_do_not_load_exit_1_naming_them_without_the_key()
    {
        using var other = PilotTestPki.Issue(_ca, "other.default.svc");
        var notCa = _pki.WriteText("not-a-ca.pem", "hello");
        var wrongKey = _pki.WriteKey("other-key.pem", other);

        var (caExit, _, caError) = await RunAsync("--ca-file", notCa, "--server-name", PilotTestPki.IstiodName);
        var (keyExit, keyOut, keyError) = await RunAsync(
            "--ca-file", _caFile, "--cert-file", _pki.WriteCertificates("cert.pem", _client), "--key-file", wrongKey);

        Assert.Equal(1, caExit);
        Assert.Contains($"the CA file '{notCa}' holds no PEM certificate", caError, StringComparison.Ordinal);
        Assert.Equal(1, keyExit);
        Assert.Contains($"the key '{wrongKey}' cannot be loaded", keyError, StringComparison.Ordinal);
        Assert.DoesNotContain(PilotTestPki.KeyMaterial(other), keyOut + keyError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_is_never_sent_to_a_plaintext_address()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await new CommandLine(new PilotRegistrySource())
            .RunAsync(["endpoints", "--pilot", "grpc://127.0.0.1:15010", "--token-file", _tokenFile], stdout, stderr, CancellationToken.None)
            .WaitAsync(Bound);

        Assert.Equal(2, exit);
        Assert.Contains("option '--token-file' needs an https://", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endpoints_over_a_unix_socket()
    {
        var path = Path.Combine(_pki.Directory, "XDS");
        await using var agent = await FakePilot.StartAsync(new FakePilotOptions { UnixSocketPath = path });
        agent.SetService("ratings", 9080, [new FakeEndpoint("10.2.0.1", 9080)]);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await new CommandLine(new PilotRegistrySource())
            .RunAsync(["endpoints", "--pilot", "unix://" + path, "--json"], stdout, stderr, CancellationToken.None)
            .WaitAsync(Bound);

        Assert.True(exit == 0, stderr.ToString());
        Assert.Contains("outbound|9080||ratings.default.svc.cluster.local", stdout.ToString(), StringComparison.Ordinal);
    }

    private async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] options)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await new CommandLine(new PilotRegistrySource())
            .RunAsync(["endpoints", "--pilot", _pilot.Address.ToString(), .. options], stdout, stderr, CancellationToken.None)
            .WaitAsync(Bound);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
