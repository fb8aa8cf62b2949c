using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using MeshClient.Registry;
using MeshClient.Routing;
using MeshClient.Testing;
using static MeshClient.Tests.Xds.Protocol.XdsFixtures;

namespace MeshClient.Tests.Xds.Protocol;

/// <summary>On-demand EDS against FakePilot over real gRPC, over state of the world and over delta.</summary>
public sealed class OnDemandEndpointsTests
{
    private const string Cds = FakePilot.ClusterTypeUrlV3;
    private const string Eds = FakePilot.EndpointTypeUrlV3;
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task State_of_the_world_subscribes_a_service_on_first_use_and_unsubscribes_it_when_idle()
    {
        await using var harness = await StartAsync(XdsProtocol.StateOfTheWorld);
        Assert.DoesNotContain(harness.Pilot.Requests, r => r.TypeUrl == Eds && r.ResourceNames.Count > 0);
        Assert.False(harness.Registry.Current.Clusters[Reviews].EndpointsReceived);
        var router = new MeshRouter(harness.Registry);

        Assert.Equal(RouteFailure.NoRoutableEndpoints, router.Route(new RouteRequest("reviews", 9080)).Failure);

        var subscribe = await harness.WaitForRequestAsync(r => r.TypeUrl == Eds && r.ResourceNames.Count > 0);
        Assert.Equal([Reviews], subscribe.ResourceNames);
        await harness.WaitForRegistryAsync(s => PilotClientHarness.EndpointCount(s, Reviews) == 1, "reviews' endpoints");
        Assert.True(router.Route(new RouteRequest("reviews", 9080)).Succeeded);
        Assert.False(harness.Registry.Current.Clusters[Ratings].EndpointsReceived);
        Assert.True(harness.Registry.Current.TryFindService("reviews:9080", "default", out var reviews));

        // The stream publishes the endpoints first and then lets the first-use waiters go (so a waiter routes against
        // them): the wait ends just after the snapshot shows them, with the fake clock still (no first-wait bound).
        var known = harness.Registry.WhenServiceEndpointsKnown(reviews);
        await known.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(known.IsCompletedSuccessfully);

        harness.Time.Advance(Idle);

        var unsubscribe = await harness.WaitForRequestAsync(r => r.Sequence > subscribe.Sequence && r.TypeUrl == Eds && r.ResourceNames.Count == 0);
        Assert.Empty(unsubscribe.ResourceNames);
        await harness.WaitForRegistryAsync(s => !s.Clusters[Reviews].EndpointsReceived, "reviews' endpoints dropped");
        Assert.DoesNotContain(harness.Pilot.Requests, r => r.TypeUrl == Eds && r.ResourceNames.Contains(Ratings));
    }

    [Fact]
    public async Task Delta_subscribes_and_unsubscribes_by_name()
    {
        await using var harness = await StartAsync(XdsProtocol.Delta);
        Assert.DoesNotContain(harness.Pilot.Requests, r => r.TypeUrl == Eds);
        var router = new MeshRouter(harness.Registry);

        router.Route(new RouteRequest("reviews", 9080));

        var subscribe = await harness.WaitForRequestAsync(r => r.TypeUrl == Eds && r.ResourceNamesSubscribe.Count > 0);
        Assert.Equal([Reviews], subscribe.ResourceNamesSubscribe);
        await harness.WaitForRegistryAsync(s => PilotClientHarness.EndpointCount(s, Reviews) == 1, "reviews' endpoints");

        harness.Time.Advance(Idle);

        var unsubscribe = await harness.WaitForRequestAsync(r => r.TypeUrl == Eds && r.ResourceNamesUnsubscribe.Count > 0);
        Assert.Equal([Reviews], unsubscribe.ResourceNamesUnsubscribe);
        Assert.Empty(unsubscribe.ResourceNamesSubscribe);
        await harness.WaitForRegistryAsync(s => !s.Clusters[Reviews].EndpointsReceived, "reviews' endpoints dropped");

        // Used again: subscribed again.
        router.Route(new RouteRequest("reviews", 9080));
        var again = await harness.WaitForRequestAsync(r => r.Sequence > unsubscribe.Sequence && r.TypeUrl == Eds && r.ResourceNamesSubscribe.Count > 0);
        Assert.Equal([Reviews], again.ResourceNamesSubscribe);
        await harness.WaitForRegistryAsync(s => PilotClientHarness.EndpointCount(s, Reviews) == 1, "reviews' endpoints again");
    }

    [Fact]
    public async Task The_first_wait_for_endpoints_ends_with_the_does_not_exist_rule()
    {
        const string Ghost = "outbound|9080||ghost.default.svc.cluster.local";
        await using var harness = await PilotClientHarness.StartPilotAsync();
        harness.Pilot.SetRawResources(Cds, [new Any { TypeUrl = Cds, Value = EdsCluster(Ghost).ToByteString() }]);
        harness.StartClient(o => o.OnDemandEndpoints = true);
        await harness.WaitForSyncedAsync();
        Assert.True(harness.Registry.Current.TryFindService("ghost:9080", "default", out var ghost));

        harness.Registry.NoteServiceUsed(ghost);
        var wait = harness.Registry.WhenServiceEndpointsKnown(ghost);
        await harness.WaitForRequestAsync(r => r.TypeUrl == Eds && r.ResourceNames.Contains(Ghost));
        Assert.False(wait.IsCompleted);

        // The wait's own bound and the does-not-exist timer both run on the clock.
        await harness.Time.WaitForTimerAsync(TimeSpan.FromSeconds(15), PilotClientHarness.Bound);
        await harness.Time.WaitForTimerAsync(TimeSpan.FromSeconds(15), PilotClientHarness.Bound);
        harness.Time.Advance(TimeSpan.FromSeconds(15));

        await wait.WaitAsync(PilotClientHarness.Bound);
        await harness.WaitForRegistryAsync(_ => harness.Registry.LastError?.Contains(Ghost, StringComparison.Ordinal) == true, "ghost reported as not existing");
    }

    private static async Task<PilotClientHarness> StartAsync(XdsProtocol protocol)
    {
        var harness = await PilotClientHarness.StartPilotAsync();
        harness.Pilot.SetService("reviews", 9080, [new FakeEndpoint("10.1.0.1", 9080)]);
        harness.Pilot.SetService("ratings", 9080, [new FakeEndpoint("10.2.0.1", 9080)]);
        harness.StartClient(o =>
        {
            o.Protocol = protocol;
            o.OnDemandEndpoints = true;
            o.OnDemandIdleTimeout = Idle;
        });
        await harness.WaitForSyncedAsync();
        return harness;
    }
}
