using MeshClient.Registry;
using MeshClient.Testing;
using MeshClient.Xds;
using Xunit.Abstractions;

namespace MeshClient.EndToEnd.Tests.Xds;

/// <summary>Pilot drops the stream or goes away: the registry serves the last good state, the client reconnects and resyncs.</summary>
public sealed class ReconnectTests(ITestOutputHelper output)
{
    private const string NodeId = "sidecar~10.44.0.7~productpage-v1-6b746f74dc-9stvs.bookinfo~bookinfo.svc.cluster.local";

    [Theory]
    [InlineData(XdsVersion.V3, false)]
    [InlineData(XdsVersion.V3, true)]
    [InlineData(XdsVersion.V2, false)]
    [InlineData(XdsVersion.V2, true)]
    public async Task After_pilot_drops_the_stream_the_client_resubscribes_with_its_last_versions_and_resyncs(XdsVersion version, bool reset)
    {
        await using var harness = await DiscoveryHarness.StartAsync(version, output, Bookinfo.Serve);
        await harness.WaitForFirstSyncAsync();
        var cdsAck = await harness.WaitForAckOfLatestAsync(harness.ClusterType);
        var edsAck = await harness.WaitForAckOfLatestAsync(harness.EndpointType);
        var synced = harness.Registry.Current;

        await harness.Pilot.DropStreamsAsync(reset);

        await harness.WaitForStateAsync(MeshConnectionState.Stale);
        Assert.NotNull(harness.Registry.LastError);
        if (!reset)
        {
            Assert.Contains("Unavailable", harness.Registry.LastError, StringComparison.Ordinal);
            Assert.Contains("FakePilot dropped the stream", harness.Registry.LastError, StringComparison.Ordinal);
        }

        await AssertServesLastGoodStateAsync(harness, synced);
        await harness.FireReconnectTimerAsync();

        await AssertResubscribedAsync(harness, streamId: 2, cdsAck, edsAck);
        await harness.WaitForStateAsync(MeshConnectionState.Synced);

        // Pilot sent the same content again: ACKed, no new snapshot.
        await harness.WaitForAckOfLatestAsync(harness.EndpointType);
        Assert.Same(synced, harness.Registry.Current);
        Assert.DoesNotContain(harness.Pilot.Requests, r => r.IsNack);
    }

    [Theory]
    [InlineData(XdsVersion.V3)]
    [InlineData(XdsVersion.V2)]
    public async Task After_pilot_stops_and_restarts_on_the_same_port_the_client_reconnects_and_resyncs(XdsVersion version)
    {
        await using var harness = await DiscoveryHarness.StartAsync(version, output, Bookinfo.Serve);
        await harness.WaitForFirstSyncAsync();
        var cdsAck = await harness.WaitForAckOfLatestAsync(harness.ClusterType);
        var edsAck = await harness.WaitForAckOfLatestAsync(harness.EndpointType);
        var synced = harness.Registry.Current;
        var address = harness.Pilot.Address;

        await harness.Pilot.StopAsync();
        await harness.WaitForStateAsync(MeshConnectionState.Stale);

        // The next attempts find nothing listening: connection refused, recorded, and the client keeps the last state.
        // (FakePilot sends the status before it closes the connection; the first attempt may still meet that closing
        // connection, before the client has read its end, and fail on it instead.)
        for (var attempt = 1; harness.Registry.LastError?.Contains("Connection refused", StringComparison.Ordinal) != true; attempt++)
        {
            Assert.True(attempt <= 10, "No attempt met a refused connection: " + harness.Describe());
            var failures = StreamFailures(harness);
            await harness.FireReconnectTimerAsync();
            await harness.WaitUntilAsync(() => StreamFailures(harness) > failures, "the attempt's failure");
        }

        Assert.Contains(address.Authority, harness.Registry.LastError, StringComparison.Ordinal);
        Assert.Equal(MeshConnectionState.Stale, harness.Registry.ConnectionState);
        await AssertServesLastGoodStateAsync(harness, synced);

        // Pilot comes back with a change made while it was down.
        harness.Pilot.SetService(Bookinfo.ReviewsHost, 9080, Bookinfo.ReviewsPods, [Bookinfo.V1, Bookinfo.V2, Bookinfo.V3]);
        await harness.Pilot.RestartAsync();
        Assert.Equal(address, harness.Pilot.Address);
        await harness.FireReconnectTimerAsync();

        await AssertResubscribedAsync(harness, streamId: 2, cdsAck, edsAck);
        await harness.WaitForStateAsync(MeshConnectionState.Synced);
        await harness.WaitUntilAsync(
            () => harness.Registry.Current.Clusters.TryGetValue(Bookinfo.ReviewsV3, out var c) && c.EndpointsReceived,
            "the subset added while Pilot was down");
        Assert.Equal("10.44.1.13", Assert.Single(harness.Registry.Current.Clusters[Bookinfo.ReviewsV3].Endpoints).Address);
        Assert.DoesNotContain(harness.Pilot.Requests, r => r.IsNack);
    }

    /// <summary>While disconnected the registry keeps the snapshot it had, and lookups still answer.</summary>
    private static async Task AssertServesLastGoodStateAsync(DiscoveryHarness harness, RegistrySnapshot synced)
    {
        Assert.Same(synced, harness.Registry.Current);
        Assert.True(harness.Registry.Current.TryFindService("reviews:9080", DiscoveryHarness.PodNamespace, out var reviews));
        Assert.Equal(3, reviews.AllEndpoints!.Endpoints.Length);
        Assert.True(harness.Registry.HasSynced);
        await harness.Registry.WaitForFirstSyncAsync().WaitAsync(DiscoveryHarness.Bound);
    }

    /// <summary>The new stream starts with the node and the last ACKed versions, with empty nonces.</summary>
    private static async Task AssertResubscribedAsync(DiscoveryHarness harness, int streamId, RecordedRequest cdsAck, RecordedRequest edsAck)
    {
        var cds = await harness.WaitForRequestAsync(r => r.StreamId == streamId && r.TypeUrl == harness.ClusterType);
        var eds = await harness.WaitForRequestAsync(r => r.StreamId == streamId && r.TypeUrl == harness.EndpointType);
        var onStream = harness.Pilot.Requests.Where(r => r.StreamId == streamId).ToList();
        Assert.Same(cds, onStream[0]);
        Assert.Equal(harness.MethodPath, cds.MethodPath);
        Assert.Equal(NodeId, cds.NodeId);
        Assert.Equal("productpage", cds.NodeMetadata!.Fields["LABELS"].StructValue.Fields["app"].StringValue);
        Assert.Equal(cdsAck.VersionInfo, cds.VersionInfo);
        Assert.Equal(string.Empty, cds.ResponseNonce);
        Assert.Empty(cds.ResourceNames);

        Assert.Null(eds.NodeId);
        Assert.Equal(edsAck.VersionInfo, eds.VersionInfo);
        Assert.Equal(string.Empty, eds.ResponseNonce);
        Assert.Equal(Sorted.Of(edsAck.ResourceNames), Sorted.Of(eds.ResourceNames));
        Assert.All(onStream.Skip(1), r => Assert.Null(r.NodeId));
    }

    private static int StreamFailures(DiscoveryHarness harness) =>
        harness.Logs.Count(l => l.Message.StartsWith("ADS stream failed", StringComparison.Ordinal));
}
