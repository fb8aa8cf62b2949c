using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using MeshClient.Cli.Commands;
using MeshClient.Testing;
using MeshClient.Tests.Shared;

namespace MeshClient.Cli.Tests.Commands;

/// <summary><c>meshctl endpoints --pilot</c> with the real ADS client against the fake Pilot over loopback HTTP/2.</summary>
public sealed class PilotRegistrySourceTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("v3")]
    [InlineData("v2")]
    public async Task Endpoints_prints_what_pilot_sends_as_json(string xds)
    {
        await using var pilot = await FakePilot.StartAsync();
        pilot.SetService(
            "reviews",
            9080,
            [new FakeEndpoint("10.1.0.1", 9080) { Labels = new Dictionary<string, string> { ["version"] = "v1" } }],
            [new FakeSubset("v1", new Dictionary<string, string> { ["version"] = "v1" })]);

        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await new CommandLine(new PilotRegistrySource())
            .RunAsync(["endpoints", "--pilot", pilot.Address.ToString(), "--xds", xds, "--json"], stdout, stderr, CancellationToken.None)
            .WaitAsync(Bound);

        Assert.True(exit == 0, stderr.ToString());
        using var document = JsonDocument.Parse(stdout.ToString());
        var clusters = document.RootElement.GetProperty("clusters").EnumerateArray().ToList();
        var subset = clusters.Single(c => c.GetProperty("name").GetString() == "outbound|9080|v1|reviews.default.svc.cluster.local");
        Assert.Equal("reviews", subset.GetProperty("service").GetString());
        Assert.Equal("v1", subset.GetProperty("subset").GetString());
        var endpoint = Assert.Single(subset.GetProperty("endpoints").EnumerateArray());
        Assert.Equal("10.1.0.1", endpoint.GetProperty("address").GetString());
        Assert.Equal("v1", endpoint.GetProperty("labels").GetProperty("version").GetString());
        Assert.Contains(pilot.Requests, r => r.TypeUrl == (xds == "v2" ? FakePilot.ClusterTypeUrlV2 : FakePilot.ClusterTypeUrlV3));
    }

    [Fact]
    public async Task Unreachable_pilot_prints_the_reason_and_exits_1_without_waiting_for_the_timeout()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await new CommandLine(new PilotRegistrySource())
            .RunAsync(["endpoints", "--pilot", $"grpc://127.0.0.1:{ClosedPort()}", "--timeout", "600"], stdout, stderr, CancellationToken.None)
            .WaitAsync(Bound);

        Assert.Equal(1, exit);
        Assert.Contains("cannot read the state of Pilot", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("refused", stderr.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Pilot_that_never_answers_times_out_with_exit_1()
    {
        var time = new SignalingTimeProvider();
        await using var pilot = await FakePilot.StartAsync();
        var gate = new TaskCompletionSource();
        pilot.ResponseGate = (_, ct) => gate.Task.WaitAsync(ct);
        var request = new EndpointsRequest(pilot.Address, XdsApiVersion.V3, "default", TimeSpan.FromSeconds(10), TimeSpan.Zero);

        var load = new PilotRegistrySource(time).LoadAsync(request, CancellationToken.None);
        await pilot.WaitForRequestAsync(_ => true, Bound);

        // The command's own 10 s timeout is armed (other timers of the client may be armed too): only then move the clock.
        await Task.WhenAny(load, time.WaitForTimersAsync(due => due.Contains(TimeSpan.FromSeconds(10)))).WaitAsync(Bound);
        Assert.False(load.IsCompleted, "the load ended before its timeout was armed");

        time.Advance(TimeSpan.FromSeconds(10));
        var error = await Assert.ThrowsAsync<RegistrySourceException>(() => load.WaitAsync(Bound));
        Assert.Contains("no complete state within 10 s", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("(no answer).", error.Message, StringComparison.Ordinal);
        gate.SetResult();
    }

    [Fact]
    public async Task Settle_keeps_listening_after_the_first_state_so_a_later_push_is_in_the_result()
    {
        var time = new SignalingTimeProvider();
        await using var pilot = await FakePilot.StartAsync();
        pilot.SetService("reviews", 9080, [new FakeEndpoint("10.1.0.1", 9080)]);
        var settle = TimeSpan.FromSeconds(7);
        var request = new EndpointsRequest(pilot.Address, XdsApiVersion.V3, "default", TimeSpan.FromSeconds(30), settle);

        var load = new PilotRegistrySource(time).LoadAsync(request, CancellationToken.None);

        // Synced: the settle wait is armed, and the load waits on it.
        await Task.WhenAny(load, time.WaitForTimersAsync(due => due.Contains(settle))).WaitAsync(Bound);
        Assert.False(load.IsCompleted, "the load returned without settling");

        var last = pilot.Responses[^1].Sequence;
        pilot.SetService("reviews", 9080, [new FakeEndpoint("10.1.0.1", 9080), new FakeEndpoint("10.1.0.2", 9080)]);
        var pushed = await pilot.WaitForResponseAsync(r => r.Sequence > last && r.TypeUrl == FakePilot.EndpointTypeUrlV3, Bound);
        await pilot.WaitForRequestAsync(r => r.IsAck && r.ResponseNonce == pushed.Nonce, Bound);
        Assert.False(load.IsCompleted, "the load returned before the settle time passed");

        time.Advance(settle);
        var snapshot = await load.WaitAsync(Bound);
        Assert.Equal(["10.1.0.1", "10.1.0.2"], snapshot.Clusters["outbound|9080||reviews.default.svc.cluster.local"].Endpoints.Select(e => e.Address).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Cancelling_the_wait_cancels_it_rather_than_reporting_a_timeout()
    {
        await using var pilot = await FakePilot.StartAsync();
        var gate = new TaskCompletionSource();
        pilot.ResponseGate = (_, ct) => gate.Task.WaitAsync(ct);
        var request = new EndpointsRequest(pilot.Address, XdsApiVersion.V3, "default", TimeSpan.FromSeconds(600), TimeSpan.Zero);
        using var cancel = new CancellationTokenSource();

        var load = new PilotRegistrySource().LoadAsync(request, cancel.Token);
        await pilot.WaitForRequestAsync(_ => true, Bound);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => load.WaitAsync(Bound));
        gate.SetResult();
    }

    [Fact]
    public void Mesh_options_carry_the_address_version_and_namespace_and_do_not_wait_at_start()
    {
        var request = new EndpointsRequest(new Uri("grpc://istiod.istio-system:15010"), XdsApiVersion.V2, "shop", TimeSpan.FromSeconds(8), TimeSpan.Zero);

        var options = PilotRegistrySource.CreateMeshOptions(request);

        Assert.Equal("grpc://istiod.istio-system:15010", options.Pilot.Address);
        Assert.Equal(MeshClient.Xds.XdsVersion.V2, options.Pilot.XdsVersion);
        Assert.Equal("shop", options.Namespace);
        Assert.Equal(TimeSpan.Zero, options.Pilot.InitialSyncTimeout);
        Assert.Equal(TimeSpan.FromSeconds(4), options.Pilot.ResourceTimeout);
        Assert.Equal(MeshMode.Pilot, options.Mode);
    }

    private static int ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
