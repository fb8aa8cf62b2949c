using System.Security.Cryptography.X509Certificates;
using MeshClient.Diagnostics;
using MeshClient.Registry;
using MeshClient.Testing;
using MeshClient.Tests.Shared;
using MeshClient.Xds.Transport;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace MeshClient.Tests.Xds.Transport;

/// <summary>
/// The service-account token on the stream to a FakePilot over TLS that requires it: sent as
/// <c>authorization: Bearer</c>, read again at every stream's start (rotation), and a rejection reported as such and
/// retried with backoff.
/// </summary>
public sealed class PilotTokenTests : IAsyncLifetime
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan SecondBackoff = TimeSpan.FromSeconds(1.6);
    private readonly PilotTestPki _pki = new();
    private readonly X509Certificate2 _ca = PilotTestPki.CreateCa("mesh root");
    private FakePilot _pilot = null!;
    private string _caFile = null!;

    public async Task InitializeAsync()
    {
        _caFile = _pki.WriteCertificates("root-cert.pem", _ca);
        var server = PilotTestPki.Issue(_ca, PilotTestPki.IstiodName);
        _pilot = await FakePilot.StartAsync(new FakePilotOptions { ServerCertificate = server, RequiredToken = "token-one" });
        _pilot.SetService("reviews", 9080, [new FakeEndpoint("10.1.0.1", 9080)]);
    }

    public async Task DisposeAsync()
    {
        await _pilot.DisposeAsync();
        _ca.Dispose();
        _pki.Dispose();
    }

    [Fact]
    public async Task The_token_is_sent_and_a_rewritten_file_is_read_on_the_next_stream()
    {
        var tokenFile = _pki.WriteText("istio-token", "token-one\n");
        var clock = new TimerSignalingClock();
        await using var connection = PilotConnection.Start(Options(tokenFile), clock);
        await connection.SyncedAsync();
        Assert.Equal(["token-one"], _pilot.ReceivedTokens);

        // The kubelet rotates the token: the file is rewritten, and Pilot takes only the new one from now on.
        File.WriteAllText(tokenFile, "token-two");
        _pilot.RequiredToken = "token-two";
        await _pilot.DropStreamsAsync();
        await clock.TimerAsync(FirstBackoff);
        clock.Advance(FirstBackoff);

        await _pilot.WaitForRequestAsync(r => r.StreamId == 2, PilotConnection.Bound);
        Assert.Equal(["token-one", "token-two"], _pilot.ReceivedTokens);
    }

    [Fact]
    public async Task A_rejected_token_is_reported_without_the_token_and_retried_with_backoff()
    {
        var tokenFile = _pki.WriteText("istio-token", "wrong-token-4711");
        var clock = new TimerSignalingClock();
        await using var connection = PilotConnection.Start(Options(tokenFile), clock);

        var error = await connection.FirstErrorAsync();
        Assert.StartsWith("token rejected by Pilot (Unauthenticated", error, StringComparison.Ordinal);
        Assert.Equal(MeshConnectionState.Connecting, connection.Registry.ConnectionState);

        // The loop waits on the backoff clock: no second stream until it moves, then one more, with a longer wait after.
        await clock.TimerAsync(FirstBackoff);
        Assert.Single(_pilot.ReceivedTokens);
        clock.Advance(FirstBackoff);
        await clock.TimerAsync(SecondBackoff);
        Assert.Equal(["wrong-token-4711", "wrong-token-4711"], _pilot.ReceivedTokens);

        var health = await new MeshHealthCheck(connection.Registry).CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Contains("token rejected by Pilot", health.Description, StringComparison.Ordinal);
        Assert.Contains(connection.Logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("token rejected by Pilot", StringComparison.Ordinal));
        Assert.DoesNotContain("wrong-token-4711", connection.AllOutput(), StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-token-4711", health.Description + string.Join(' ', health.Data.Values), StringComparison.Ordinal);

        // The right token in the file: the next attempt reads it and syncs.
        File.WriteAllText(tokenFile, "token-one");
        clock.Advance(SecondBackoff);
        await connection.SyncedAsync();
        Assert.Equal("token-one", _pilot.ReceivedTokens[^1]);
    }

    [Fact]
    public async Task Without_a_token_the_rejection_says_none_was_sent()
    {
        await using var connection = PilotConnection.Start(new GrpcTransportOptions { Address = _pilot.Address, CaFile = _caFile, ServerName = PilotTestPki.IstiodName });

        var error = await connection.FirstErrorAsync();

        Assert.StartsWith("token rejected by Pilot", error, StringComparison.Ordinal);
        Assert.Contains("no token was sent", error, StringComparison.Ordinal);
        Assert.Equal([null], _pilot.ReceivedTokens);
    }

    [Fact]
    public async Task A_missing_token_file_fails_the_stream_naming_the_file()
    {
        var missing = Path.Combine(_pki.Directory, "no-such-token");
        await using var connection = PilotConnection.Start(Options(missing));

        var error = await connection.FirstErrorAsync();

        Assert.Contains($"cannot read the token file '{missing}'", error, StringComparison.Ordinal);
        Assert.Empty(_pilot.ReceivedTokens);
    }

    [Fact]
    public async Task No_secret_appears_in_logs_errors_or_exceptions()
    {
        using var client = PilotTestPki.Issue(_ca, "productpage.default.svc");
        var key = PilotTestPki.KeyMaterial(client);
        var token = "eyJhbGciOiJSUzI1NiJ9." + Guid.NewGuid().ToString("N");
        var options = new GrpcTransportOptions
        {
            Address = _pilot.Address,
            CaFile = _caFile,
            ServerName = PilotTestPki.IstiodName,
            ClientCertificateFile = _pki.WriteCertificates("cert-chain.pem", client),
            ClientKeyFile = _pki.WriteKey("key.pem", client),
            TokenFile = _pki.WriteText("istio-token", token),
        };
        var clock = new TimerSignalingClock();
        await using var connection = PilotConnection.Start(options, clock);

        await connection.FirstErrorAsync();
        await clock.TimerAsync(FirstBackoff);
        Assert.Equal([token], _pilot.ReceivedTokens);

        var health = await new MeshHealthCheck(connection.Registry).CheckHealthAsync(new HealthCheckContext());
        var output = string.Join('\n', connection.AllOutput(), string.Join('\n', connection.Errors), health.Description, string.Join(' ', health.Data.Values));
        Assert.Contains("token rejected by Pilot", output, StringComparison.Ordinal);
        Assert.DoesNotContain(token, output, StringComparison.Ordinal);
        Assert.DoesNotContain(token[^32..], output, StringComparison.Ordinal);
        Assert.DoesNotContain(key, output, StringComparison.Ordinal);
    }

    private GrpcTransportOptions Options(string tokenFile) => new()
    {
        Address = _pilot.Address,
        CaFile = _caFile,
        ServerName = PilotTestPki.IstiodName,
        TokenFile = tokenFile,
    };
}
