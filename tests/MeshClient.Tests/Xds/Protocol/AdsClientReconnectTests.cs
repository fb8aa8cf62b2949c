using MeshClient.Registry;
using MeshClient.Xds.Transport;
using static MeshClient.Tests.Xds.Protocol.XdsFixtures;
using Cluster = MeshClient.Xds.Protos.Cluster.Cluster;

namespace MeshClient.Tests.Xds.Protocol;

public sealed class AdsClientReconnectTests
{
    [Fact]
    public async Task Reconnect_sends_the_last_acked_versions_with_empty_nonces_and_the_current_names()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "c1", "n1", EdsCluster(Reviews), EdsCluster(Ratings)));
        await ads.SendAsync(call, Response(ads.EndpointType, "e1", "n2", Assignment(Reviews, Endpoint("10.1.0.1", 9080))));
        await ads.SendAsync(call, Response(ads.ClusterType, "c2", "n3", new Cluster())); // NACKed: c1 stays the last ACKed
        await ads.SendAsync(call, Response(ads.EndpointType, "e2", "n4", Assignment(Reviews, Endpoint("10.1.0.1", 0)))); // NACKed

        call.Fail(AdsHarness.Unavailable("goaway"));
        await call.Disposed.WaitAsync(Fakes.FakeGrpcTransport.Bound);
        var (second, cds, _) = await ads.ReconnectAsync();
        var eds = await second.NextRequestAsync();

        Assert.Equal(ads.ClusterType, cds.TypeUrl);
        Assert.Equal("c1", cds.VersionInfo);
        Assert.Equal(string.Empty, cds.ResponseNonce);
        Assert.Empty(cds.ResourceNames);
        Assert.NotNull(cds.Node);
        Assert.Equal(ads.EndpointType, eds.TypeUrl);
        Assert.Equal("e1", eds.VersionInfo);
        Assert.Equal(string.Empty, eds.ResponseNonce);
        Assert.Equal([Ratings, Reviews], eds.ResourceNames);
        Assert.Null(eds.ErrorDetail);

        // The new stream's responses are ACKed with their own nonces.
        var ack = await ads.SendAsync(second, Response(ads.ClusterType, "c3", "m1", EdsCluster(Reviews), EdsCluster(Ratings)));
        Assert.Equal("c3", ack.VersionInfo);
    }

    [Fact]
    public async Task A_write_that_fails_as_the_stream_ends_leaves_the_reason_to_the_receive_side()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();

        // Pilot ends the stream with a status while the client writes: the write fails with a bare cancellation,
        // the receive side then reads the status Pilot sent.
        call.FailWrites(new GrpcCallException(global::Grpc.Core.StatusCode.Cancelled, "The call was cancelled."));
        call.Send(Response(ads.ClusterType, "c1", "n1", EdsCluster(Reviews)));
        call.Fail(AdsHarness.Unavailable("max connection age"));
        await ads.NextBackoffAsync();

        Assert.Equal(MeshConnectionState.Stale, ads.Registry.ConnectionState);
        Assert.Equal("gRPC call failed: Unavailable (14): max connection age", ads.Registry.LastError);
    }

    [Fact]
    public async Task Backoff_grows_by_the_multiplier_up_to_the_maximum()
    {
        await using var ads = new AdsHarness().Start();
        var delays = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            var call = await ads.Transport.NextCallAsync();
            call.Fail(AdsHarness.Unavailable());
            var delay = await ads.NextBackoffAsync();
            delays.Add(delay.TotalSeconds);
            ads.Time.Advance(delay);
        }

        // 1 s x 1.6 per attempt, capped at 30 s, in whole milliseconds.
        double[] expected = [1, 1.6, 2.56, 4.096, 6.554, 10.486, 16.777, 26.844, 30, 30];
        Assert.Equal(expected, delays);
    }

    [Fact]
    public async Task Backoff_jitter_stays_within_twenty_percent_and_under_the_maximum()
    {
        var low = true;
        await using var ads = new AdsHarness(jitter: () =>
        {
            low = !low;
            return low ? 0.0 : 0.999999;
        }).Start();

        var delays = new List<TimeSpan>();
        for (var i = 0; i < 10; i++)
        {
            var call = await ads.Transport.NextCallAsync();
            call.Fail(AdsHarness.Unavailable());
            var delay = await ads.NextBackoffAsync();
            delays.Add(delay);
            ads.Time.Advance(delay);
        }

        double[] bases = [1, 1.6, 2.56, 4.096, 6.5536, 10.48576, 16.777216, 26.8435456, 30, 30];
        for (var i = 0; i < bases.Length; i++)
        {
            var seconds = delays[i].TotalSeconds;
            Assert.InRange(seconds, (bases[i] * 0.8) - 0.0005, Math.Min(bases[i] * 1.2, 30) + 0.0005);
            Assert.True(seconds <= 30);
        }

        Assert.Equal(1.2, delays[0].TotalSeconds, 4);   // first draw is high
        Assert.Equal(1.28, delays[1].TotalSeconds, 4);  // second is low
        Assert.Equal(30, delays[8].TotalSeconds, 4);    // high at the cap: capped
        Assert.Equal(24, delays[9].TotalSeconds, 4);    // low at the cap
    }

    [Fact]
    public async Task Backoff_starts_again_after_a_stream_that_received_data()
    {
        await using var ads = new AdsHarness().Start();
        var call = await ads.Transport.NextCallAsync();
        for (var i = 0; i < 3; i++)
        {
            call.Fail(AdsHarness.Unavailable());
            var delay = await ads.NextBackoffAsync();
            ads.Time.Advance(delay);
            call = await ads.Transport.NextCallAsync();
        }

        await call.NextRequestAsync();
        await ads.SendAsync(call, Response(ads.ClusterType, "1", "n1"));
        call.Fail(AdsHarness.Unavailable("reset after data"));
        Assert.Equal(TimeSpan.FromSeconds(1), await ads.NextBackoffAsync());
        ads.Time.Advance(TimeSpan.FromSeconds(1));

        // A failure without data keeps growing from there.
        call = await ads.Transport.NextCallAsync();
        call.Fail(AdsHarness.Unavailable());
        Assert.Equal(TimeSpan.FromSeconds(1.6), await ads.NextBackoffAsync());
    }

    [Fact]
    public async Task Connection_state_and_last_error_follow_the_stream_and_data_survives_a_disconnect()
    {
        await using var ads = new AdsHarness().Start();
        Assert.Equal(MeshConnectionState.Connecting, ads.Registry.ConnectionState);
        Assert.Null(ads.Registry.LastError);

        // Pilot down: still connecting, with the reason.
        var refused = await ads.Transport.NextCallAsync();
        refused.Fail(AdsHarness.Unavailable("connection refused"));
        var delay = await ads.NextBackoffAsync();
        Assert.Equal(MeshConnectionState.Connecting, ads.Registry.ConnectionState);
        Assert.Equal("gRPC call failed: Unavailable (14): connection refused", ads.Registry.LastError);
        ads.Time.Advance(delay);

        // CDS alone is not yet complete while EDS clusters wait for endpoints.
        var (call, _) = await ads.NextStreamAsync();
        await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "1", "n1", EdsCluster(Reviews)));
        Assert.Equal(MeshConnectionState.Connecting, ads.Registry.ConnectionState);
        Assert.False(ads.Registry.HasSynced);
        await ads.SendAsync(call, Response(ads.EndpointType, "e1", "n2", Assignment(Reviews, Endpoint("10.1.0.1", 9080))));
        Assert.Equal(MeshConnectionState.Synced, ads.Registry.ConnectionState);
        await ads.Registry.WaitForFirstSyncAsync().WaitAsync(Fakes.FakeGrpcTransport.Bound);
        var synced = ads.Registry.Current;

        // The stream breaks: stale, with the reason, and the data stays.
        call.Fail(AdsHarness.Unavailable("upstream connect error"));
        var (second, _, _) = await ads.ReconnectAsync();
        Assert.Equal(MeshConnectionState.Stale, ads.Registry.ConnectionState);
        Assert.Equal("gRPC call failed: Unavailable (14): upstream connect error", ads.Registry.LastError);
        Assert.Same(synced, ads.Registry.Current);

        // Back in sync once the new stream has delivered CDS and EDS again.
        await second.NextRequestAsync(); // EDS re-subscription
        await ads.SendAsync(second, Response(ads.ClusterType, "1", "m1", EdsCluster(Reviews)));
        Assert.Equal(MeshConnectionState.Stale, ads.Registry.ConnectionState);
        await ads.SendAsync(second, Response(ads.EndpointType, "e1", "m2", Assignment(Reviews, Endpoint("10.1.0.1", 9080))));
        Assert.Equal(MeshConnectionState.Synced, ads.Registry.ConnectionState);
        Assert.Same(synced, ads.Registry.Current); // identical content: no new snapshot
    }

    [Fact]
    public async Task Cds_without_eds_clusters_syncs_at_once()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();

        await ads.SendAsync(call, Response(ads.ClusterType, "1", "n1", InlineCluster("static", Cluster.Types.DiscoveryType.Static, Endpoint("10.0.0.1", 80))));

        Assert.Equal(MeshConnectionState.Synced, ads.Registry.ConnectionState);
    }

    [Fact]
    public async Task Server_ending_the_stream_leads_to_a_reconnect()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        await ads.SendAsync(call, Response(ads.ClusterType, "1", "n1"));

        call.End();
        var (_, first, delay) = await ads.ReconnectAsync();

        Assert.Equal(TimeSpan.FromSeconds(1), delay);
        Assert.Equal("1", first.VersionInfo);
        Assert.Equal(MeshConnectionState.Stale, ads.Registry.ConnectionState);
        Assert.Equal("Pilot closed the ADS stream.", ads.Registry.LastError);
        await call.Disposed.WaitAsync(Fakes.FakeGrpcTransport.Bound);
    }

    [Fact]
    public async Task A_transport_that_throws_when_starting_the_call_is_retried()
    {
        await using var ads = new AdsHarness();
        ads.Transport.ThrowOnNextStart(new HttpRequestException("no route to host"));
        ads.Start();

        await ads.Transport.NextCallAsync();
        var delay = await ads.NextBackoffAsync();
        Assert.Equal("HttpRequestException: no route to host", ads.Registry.LastError);
        ads.Time.Advance(delay);

        var (_, first) = await ads.NextStreamAsync();
        Assert.NotNull(first.Node);
        Assert.Equal(2, ads.Transport.CallCount);
    }
}
