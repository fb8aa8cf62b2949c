using System.Net;
using System.Net.Sockets;
using MeshClient.Testing.Tests.Grpc;
using Microsoft.Extensions.Logging;

namespace MeshClient.Testing.Tests;

/// <summary>Starting on a loopback port and disposing.</summary>
public sealed class FakePilotLifecycleTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task StartAsync_listens_on_a_free_loopback_port_and_DisposeAsync_stops_listening()
    {
        var pilot = await FakePilot.StartAsync();
        var address = pilot.Address;

        Assert.Equal("http", address.Scheme);
        Assert.Equal("127.0.0.1", address.Host);
        Assert.NotEqual(0, address.Port);
        Assert.True(pilot.IsRunning);
        await ConnectAsync(address);

        await pilot.DisposeAsync();

        Assert.False(pilot.IsRunning);
        var refused = await Assert.ThrowsAsync<SocketException>(() => ConnectAsync(address));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        await pilot.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pilot.RestartAsync());
    }

    [Fact]
    public async Task Two_pilots_get_different_ports()
    {
        await using var first = await FakePilot.StartAsync();
        await using var second = await FakePilot.StartAsync();

        Assert.NotEqual(first.Address.Port, second.Address.Port);
    }

    [Fact]
    public async Task StartAsync_uses_a_fixed_port_when_given_one()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        await using var pilot = await FakePilot.StartAsync(new FakePilotOptions { Port = port });

        Assert.Equal(new Uri($"http://127.0.0.1:{port}"), pilot.Address);
        await ConnectAsync(pilot.Address);
    }

    [Fact]
    public async Task StartAsync_fails_when_the_port_is_taken()
    {
        await using var first = await FakePilot.StartAsync();

        await Assert.ThrowsAnyAsync<IOException>(() => FakePilot.StartAsync(new FakePilotOptions { Port = first.Address.Port }));
    }

    [Fact]
    public async Task Logs_go_to_the_logger_factory_of_the_options()
    {
        var provider = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(provider).SetMinimumLevel(LogLevel.Debug));
        await using var pilot = await FakePilot.StartAsync(new FakePilotOptions { LoggerFactory = loggerFactory });
        await using var call = AdsTestCall.Start(pilot.Address);

        await call.SendAsync(Requests.First(FakePilot.ClusterTypeUrlV3, "not-a-node-id"));
        Assert.Equal(3, (await call.ReadStatusAsync()).Status);

        Assert.Contains(provider.Messages, m => m.Contains("listening on " + pilot.Address, StringComparison.Ordinal));
        Assert.Contains(provider.Messages, m => m.Contains("rejected stream 1", StringComparison.Ordinal) && m.Contains("not-a-node-id", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Requests_and_responses_are_logged_in_full_at_debug_level()
    {
        var provider = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(provider).SetMinimumLevel(LogLevel.Debug));
        await using var pilot = await FakePilot.StartAsync(new FakePilotOptions { LoggerFactory = loggerFactory });
        pilot.SetService("reviews.default.svc.cluster.local", 9080, [new FakeEndpoint("10.0.0.1", 9080)]);
        pilot.SetRawResources("type.googleapis.com/test.Marker", []);
        await using var call = AdsTestCall.Start(pilot.Address);

        await call.SendAsync(Requests.First(FakePilot.EndpointTypeUrlV3, Requests.NodeId, "outbound|9080||reviews.default.svc.cluster.local"));
        var eds = await call.ReadAsync();
        await call.SendAsync(Requests.Ack(eds, "outbound|9080||reviews.default.svc.cluster.local"));

        // The stream reads, handles and logs requests in order, and writes and logs responses in order: once the answer
        // to a later request arrives, the ACK and the EDS response have been logged.
        await call.SendAsync(Requests.Subscribe("type.googleapis.com/test.Marker"));
        Assert.Equal("type.googleapis.com/test.Marker", (await call.ReadAsync()).TypeUrl);

        // Formatted only when debug logging is on (a 10,000-name ACK is not turned into text otherwise), but then whole.
        Assert.Contains(provider.Messages, m => m.Contains("stream 1 received #2 stream 1", StringComparison.Ordinal)
            && m.Contains("names=[outbound|9080||reviews.default.svc.cluster.local]", StringComparison.Ordinal) && m.Contains(" ACK", StringComparison.Ordinal));
        Assert.Contains(provider.Messages, m => m.Contains("stream 1 sent #1 stream 1", StringComparison.Ordinal)
            && m.Contains("nonce='" + eds.Nonce + "'", StringComparison.Ordinal));
    }

    private static async Task ConnectAsync(Uri address)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(address.Host, address.Port).WaitAsync(Timeout);
    }
}
