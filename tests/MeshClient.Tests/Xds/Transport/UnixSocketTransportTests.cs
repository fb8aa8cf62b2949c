using MeshClient.Testing;
using MeshClient.Tests.Shared;
using MeshClient.Xds.Transport;

namespace MeshClient.Tests.Xds.Transport;

/// <summary>
/// unix:// Pilot addresses, as istio-agent's xDS proxy in Istio's proxyless pod template (unix:///etc/istio/proxy/XDS):
/// the ADS client over a real Unix domain socket to a FakePilot listening on one.
/// </summary>
public sealed class UnixSocketTransportTests : IDisposable
{
    private readonly PilotTestPki _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task The_client_syncs_over_a_unix_socket()
    {
        var path = Path.Combine(_files.Directory, "XDS");
        await using var pilot = await FakePilot.StartAsync(new FakePilotOptions { UnixSocketPath = path });
        pilot.SetService("reviews", 9080, [new FakeEndpoint("10.1.0.1", 9080)]);

        await using var connection = PilotConnection.Start(new GrpcTransportOptions { Address = new Uri("unix://" + path) });
        await connection.SyncedAsync();

        Assert.Equal(new Uri("unix://" + path), pilot.Address);
        Assert.Contains("outbound|9080||reviews.default.svc.cluster.local", connection.Registry.Current.Clusters.Keys);
        Assert.Equal([null], pilot.ReceivedTokens);
    }

    [Fact]
    public async Task A_token_file_is_sent_over_the_socket()
    {
        var path = Path.Combine(_files.Directory, "XDS");
        await using var pilot = await FakePilot.StartAsync(new FakePilotOptions { UnixSocketPath = path, RequiredToken = "agent-token" });
        pilot.SetService("reviews", 9080, [new FakeEndpoint("10.1.0.1", 9080)]);

        await using var connection = PilotConnection.Start(new GrpcTransportOptions { Address = pilot.Address, TokenFile = _files.WriteText("token", "agent-token") });
        await connection.SyncedAsync();

        Assert.Equal(["agent-token"], pilot.ReceivedTokens);
    }

    [Fact]
    public async Task A_missing_socket_fails_naming_the_path()
    {
        var path = Path.Combine(_files.Directory, "no-agent");

        await using var connection = PilotConnection.Start(new GrpcTransportOptions { Address = new Uri("unix://" + path) });
        var error = await connection.FirstErrorAsync();

        Assert.Contains($"cannot connect to the Unix socket '{path}'", error, StringComparison.Ordinal);
    }
}
