using MeshClient.Registry;
using static MeshClient.Tests.Xds.Protocol.XdsFixtures;

namespace MeshClient.Tests.Xds.Protocol;

public sealed class AdsClientDoesNotExistTests
{
    private static readonly TimeSpan Timeout = AdsHarness.DoesNotExistTimeout;

    [Fact]
    public async Task A_requested_resource_missing_for_the_timeout_is_reported_and_a_late_arrival_is_applied()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "1", "n1", EdsCluster(Reviews), EdsCluster(Ratings)));
        await ads.SendAsync(call, Response(ads.EndpointType, "e1", "n2", Assignment(Ratings, Endpoint("10.2.0.1", 9080))));
        Assert.Equal(1, ads.Time.PendingTimers(Timeout)); // reviews' timer; ratings' stopped when it arrived
        Assert.Equal(MeshConnectionState.Connecting, ads.Registry.ConnectionState);

        ads.Time.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, ads.Time.PendingTimers(Timeout));
        Assert.False(ads.Missing.Task.IsCompleted);

        ads.Time.Advance(TimeSpan.FromMilliseconds(1));
        var missing = await ads.Missing.Task.WaitAsync(Fakes.FakeGrpcTransport.Bound);

        Assert.Equal(Reviews, missing.ResourceName);
        Assert.Equal(ads.EndpointType, missing.TypeUrl);
        Assert.Equal(Timeout, missing.Timeout);
        Assert.Equal($"EDS resource \"{Reviews}\" does not exist: it was not received within 15 s.", ads.Registry.LastError);
        Assert.False(ads.Registry.Current.Clusters[Reviews].EndpointsReceived);
        // Every EDS name has now arrived or been reported: the state is complete.
        Assert.Equal(MeshConnectionState.Synced, ads.Registry.ConnectionState);

        var ack = await ads.SendAsync(call, Response(ads.EndpointType, "e2", "n3", Assignment(Reviews, Endpoint("10.1.0.1", 9080))));
        Assert.Null(ack.ErrorDetail);
        Assert.True(ads.Registry.Current.Clusters[Reviews].EndpointsReceived);
        Assert.Single(ads.Registry.Current.Clusters[Reviews].Endpoints);
    }

    [Fact]
    public async Task The_timer_does_not_run_while_disconnected_and_restarts_on_reconnect()
    {
        await using var ads = new AdsHarness(o => o.ReconnectInitialDelay = TimeSpan.FromSeconds(20)).Start();
        var (call, _) = await ads.NextStreamAsync();
        await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "1", "n1", EdsCluster(Reviews)));
        ads.Time.Advance(TimeSpan.FromSeconds(10));

        call.Fail(AdsHarness.Unavailable("stream reset"));
        var delay = await ads.NextBackoffAsync();
        Assert.Equal(TimeSpan.FromSeconds(20), delay);
        Assert.Equal(0, ads.Time.PendingTimers(Timeout)); // stopped with the stream

        ads.Time.Advance(delay); // 30 s after the first subscription, disconnected for 20 s of it
        var (second, _) = await ads.NextStreamAsync();
        var eds = await second.NextRequestAsync();
        Assert.Equal([Reviews], eds.ResourceNames);
        Assert.False(ads.Missing.Task.IsCompleted);
        Assert.Equal(1, ads.Time.PendingTimers(Timeout));

        ads.Time.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        Assert.False(ads.Missing.Task.IsCompleted);
        Assert.Equal(1, ads.Time.PendingTimers(Timeout));
        ads.Time.Advance(TimeSpan.FromMilliseconds(1));
        var missing = await ads.Missing.Task.WaitAsync(Fakes.FakeGrpcTransport.Bound);
        Assert.Equal(Reviews, missing.ResourceName);
    }

    [Fact]
    public async Task A_cluster_removed_before_its_endpoints_arrive_stops_its_timer()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "1", "n1", EdsCluster(Reviews)));
        Assert.Equal(1, ads.Time.PendingTimers(Timeout));

        await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "2", "n2"));

        Assert.Equal(0, ads.Time.PendingTimers(Timeout));
        Assert.Equal(MeshConnectionState.Synced, ads.Registry.ConnectionState);
    }
}
