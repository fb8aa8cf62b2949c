using MeshClient.Registry;
using MeshClient.Tests.Xds.Protocol.Fakes;
using MeshClient.Xds.Protocol;
using static MeshClient.Tests.Xds.Protocol.XdsFixtures;
using Cluster = MeshClient.Xds.Protos.Cluster.Cluster;

namespace MeshClient.Tests.Xds.Protocol;

/// <summary>An app's event handler that throws never stops, restarts or fails the ADS stream; later subscribers still run.</summary>
public sealed class AdsClientSubscriberFaultTests
{
    [Fact]
    public async Task Throwing_does_not_exist_subscriber_is_logged_and_the_next_subscriber_and_the_stream_carry_on()
    {
        await using var ads = new AdsHarness();
        var later = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        ads.Client.ResourceDoesNotExist += (_, _) => throw new InvalidOperationException("app bug in does-not-exist handler");
        ads.Client.ResourceDoesNotExist += (_, e) => later.TrySetResult(e.ResourceName);
        ads.Start();
        var (call, _) = await ads.NextStreamAsync();
        await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "1", "n1", EdsCluster(Reviews)));

        var timer = await ads.Time.NextTimerAsync();
        ads.Time.Advance(timer.DueTime);

        Assert.Equal(Reviews, await later.Task.WaitAsync(FakeGrpcTransport.Bound));
        var ack = await ads.SendAsync(call, Response(ads.EndpointType, "e1", "n2", Assignment(Reviews, Endpoint("10.1.0.1", 9080))));
        Assert.Null(ack.ErrorDetail);
        Assert.Equal("10.1.0.1", Assert.Single(ads.Registry.Current.Clusters[Reviews].Endpoints).Address);
        Assert.Equal(1, ads.Transport.CallCount);
        var logged = Assert.Single(ads.Logger.Entries, e => e.EventId.Id == 1900);
        Assert.Contains("AdsClient.ResourceDoesNotExist", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Throwing_registry_subscribers_do_not_tear_the_stream_down_and_a_later_push_still_applies()
    {
        var registryLog = new RecordingLogger<MeshRegistry>();
        await using var ads = new AdsHarness(registryLogger: registryLog);
        var seenByLaterSubscriber = new List<long>();
        ads.Registry.Changed += (_, _) => throw new InvalidOperationException("app bug in Changed");
        ads.Registry.Changed += (_, e) =>
        {
            lock (seenByLaterSubscriber)
            {
                seenByLaterSubscriber.Add(e.Current.Version);
            }
        };
        ads.Registry.StateChanged += (_, _) => throw new FormatException("app bug in StateChanged");
        ads.Start();
        var (call, _) = await ads.NextStreamAsync();

        await ads.SendAsync(call, Response(ads.ClusterType, "1", "n1", InlineCluster("static-a", Cluster.Types.DiscoveryType.Static, Endpoint("10.9.0.1", 80))));
        var ack = await ads.SendAsync(call, Response(ads.ClusterType, "2", "n2", InlineCluster("static-a", Cluster.Types.DiscoveryType.Static, Endpoint("10.9.0.2", 80))));

        Assert.Equal("2", ack.VersionInfo);
        Assert.Equal("10.9.0.2", Assert.Single(ads.Registry.Current.Clusters["static-a"].Endpoints).Address);
        Assert.Equal(MeshConnectionState.Synced, ads.Registry.ConnectionState);
        Assert.Equal(1, ads.Transport.CallCount);
        lock (seenByLaterSubscriber)
        {
            Assert.Equal([1L, 2L], seenByLaterSubscriber);
        }

        Assert.Equal(2, registryLog.Entries.Count(e => e.EventId.Id == 1900 && e.Message.Contains("MeshRegistry.Changed", StringComparison.Ordinal)));
        Assert.Contains(registryLog.Entries, e => e.EventId.Id == 1900 && e.Message.Contains("MeshRegistry.StateChanged", StringComparison.Ordinal));
    }
}
