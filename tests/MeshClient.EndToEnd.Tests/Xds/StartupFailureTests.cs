using MeshClient.Registry;
using MeshClient.Xds;
using MeshClient.Xds.Protocol;
using Xunit.Abstractions;

namespace MeshClient.EndToEnd.Tests.Xds;

/// <summary>Pilot does not answer, refuses the stream, or rejects the node: no sync, and the reason is visible.</summary>
public sealed class StartupFailureTests(ITestOutputHelper output)
{
    /// <summary>How long a wait that must not complete is given; the state that blocks it is held by the test meanwhile.</summary>
    private static readonly TimeSpan NoSyncBound = TimeSpan.FromMilliseconds(300);

    [Theory]
    [InlineData(XdsVersion.V3)]
    [InlineData(XdsVersion.V2)]
    public async Task While_pilot_never_answers_the_registry_stays_connecting_and_the_first_sync_wait_does_not_complete(XdsVersion version)
    {
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reached = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var harness = await DiscoveryHarness.StartAsync(version, output, pilot =>
        {
            Bookinfo.Serve(pilot);
            pilot.ResponseGate = (typeUrl, _) =>
            {
                reached.TrySetResult(typeUrl);
                return held.Task;
            };
        });

        // The CDS request arrived and its response is held at Pilot.
        var request = await harness.WaitForRequestAsync(r => r.TypeUrl == harness.ClusterType);
        Assert.NotNull(request.NodeId);
        Assert.Equal(harness.ClusterType, await reached.Task.WaitAsync(DiscoveryHarness.Bound));

        using (var bound = new CancellationTokenSource(NoSyncBound))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => harness.Registry.WaitForFirstSyncAsync(bound.Token));
        }

        Assert.Equal(MeshConnectionState.Connecting, harness.Registry.ConnectionState);
        Assert.False(harness.Registry.HasSynced);
        Assert.Null(harness.Registry.LastError);
        Assert.Empty(harness.Registry.Current.Clusters);
        Assert.Empty(harness.Pilot.Responses);
        Assert.Equal(0, harness.Time.ArmedTimerCount);

        // Pilot answers at last: the same stream syncs.
        held.SetResult();
        await harness.Registry.WaitForFirstSyncAsync().WaitAsync(DiscoveryHarness.Bound);
        Assert.Equal(4, harness.Registry.Current.Clusters.Count);
        Assert.All(harness.Pilot.Requests, r => Assert.Equal(1, r.StreamId));
    }

    [Theory]
    [InlineData(XdsVersion.V3)]
    [InlineData(XdsVersion.V2)]
    public async Task When_pilot_refuses_the_stream_the_last_error_says_so_and_the_client_retries(XdsVersion version)
    {
        await using var harness = await DiscoveryHarness.StartAsync(version, output, pilot =>
        {
            Bookinfo.Serve(pilot);
            pilot.RefuseConnections = true;
        });

        await harness.WaitUntilAsync(() => harness.Registry.LastError is not null, "a last error");
        Assert.Contains("Unavailable", harness.Registry.LastError, StringComparison.Ordinal);
        Assert.Contains("FakePilot refuses connections", harness.Registry.LastError, StringComparison.Ordinal);
        Assert.Equal(MeshConnectionState.Connecting, harness.Registry.ConnectionState);
        Assert.Empty(harness.Pilot.Requests);
        using (var bound = new CancellationTokenSource(NoSyncBound))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => harness.Registry.WaitForFirstSyncAsync(bound.Token));
        }

        // Pilot accepts streams again: the next attempt, after the backoff, syncs.
        harness.Pilot.RefuseConnections = false;
        await harness.FireReconnectTimerAsync();
        await harness.Registry.WaitForFirstSyncAsync().WaitAsync(DiscoveryHarness.Bound);
        Assert.Equal(4, harness.Registry.Current.Clusters.Count);
    }

    [Theory]
    [InlineData(XdsVersion.V3)]
    [InlineData(XdsVersion.V2)]
    public async Task When_pilot_rejects_the_node_id_the_last_error_names_it(XdsVersion version)
    {
        const string badNodeId = "productpage-v1.bookinfo";
        await using var harness = await DiscoveryHarness.StartAsync(version, output, Bookinfo.Serve, identity: options =>
        {
            var identity = NodeIdentity.Resolve(options);
            identity.Node.Id = badNodeId;
            return identity;
        });

        await harness.WaitUntilAsync(() => harness.Registry.LastError is not null, "a last error");
        var error = harness.Registry.LastError!;
        Assert.Contains("InvalidArgument", error, StringComparison.Ordinal);
        Assert.Contains($"Invalid node id '{badNodeId}'", error, StringComparison.Ordinal);
        Assert.Equal(MeshConnectionState.Connecting, harness.Registry.ConnectionState);
        Assert.Empty(harness.Registry.Current.Clusters);
        Assert.Equal(badNodeId, Assert.Single(harness.Pilot.Requests).NodeId);
        Assert.Empty(harness.Pilot.Responses);

        // The client keeps trying (Pilot may be reconfigured); each attempt is rejected the same way.
        await harness.FireReconnectTimerAsync();
        await harness.WaitForRequestAsync(r => r.StreamId == 2);
        await harness.WaitUntilAsync(() => harness.Time.ArmedTimerCount == 1, "the next reconnect is scheduled");
        Assert.Contains($"Invalid node id '{badNodeId}'", harness.Registry.LastError, StringComparison.Ordinal);
        Assert.False(harness.Registry.HasSynced);
    }
}
