using System.Collections.Immutable;
using MeshClient.Registry;
using MeshClient.Xds.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace MeshClient.Tests.Xds.Protocol;

public sealed class OnDemandEndpointsStateTests
{
    private const string All = "outbound|9080||reviews.default.svc.cluster.local";
    private const string V1 = "outbound|9080|v1|reviews.default.svc.cluster.local";
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan FirstWait = TimeSpan.FromSeconds(15);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void The_first_use_demands_every_cluster_of_the_service_and_signals_once()
    {
        using var demand = new OnDemandEndpoints(_time, Idle, FirstWait);
        var changes = 0;
        demand.Changed = () => changes++;
        var reviews = Reviews();

        demand.OnServiceUsed(reviews);
        demand.OnServiceUsed(reviews);

        Assert.Equal(1, changes);
        Assert.Equal([V1, All], demand.Clusters.Order(StringComparer.Ordinal));
        Assert.True(demand.IsDemanded(V1));
    }

    [Fact]
    public async Task The_wait_ends_when_every_cluster_is_settled()
    {
        using var demand = new OnDemandEndpoints(_time, Idle, FirstWait);
        var reviews = Reviews();
        Assert.True(demand.WhenEndpointsKnown(reviews).IsCompletedSuccessfully);
        demand.OnServiceUsed(reviews);

        var wait = demand.WhenEndpointsKnown(reviews);
        demand.Settle(All);
        Assert.False(wait.IsCompleted);
        demand.Settle(V1);

        await wait.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(demand.WhenEndpointsKnown(reviews).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task The_wait_is_bounded_on_the_clock()
    {
        using var demand = new OnDemandEndpoints(_time, Idle, FirstWait);
        var reviews = Reviews();
        demand.OnServiceUsed(reviews);
        var wait = demand.WhenEndpointsKnown(reviews);

        _time.Advance(FirstWait - TimeSpan.FromTicks(1));
        Assert.False(wait.IsCompleted);
        _time.Advance(TimeSpan.FromTicks(1));

        await wait.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(wait.IsCompletedSuccessfully);
    }

    [Fact]
    public void A_cluster_is_idle_after_the_idle_timeout_without_use_and_the_sweep_signals_each_timeout()
    {
        using var demand = new OnDemandEndpoints(_time, Idle, FirstWait);
        var changes = 0;
        demand.Changed = () => changes++;
        demand.OnServiceUsed(Reviews());
        Assert.Equal(1, changes);

        _time.Advance(Idle - TimeSpan.FromSeconds(1));
        Assert.Empty(demand.TakeIdle());
        demand.OnServiceUsed(Reviews());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, changes);
        Assert.Empty(demand.TakeIdle());

        _time.Advance(Idle - TimeSpan.FromSeconds(1));
        Assert.Equal([V1, All], demand.TakeIdle().Order(StringComparer.Ordinal));
        Assert.Empty(demand.Clusters);
        _time.Advance(Idle);
        Assert.Equal(3, changes);
    }

    private static MeshService Reviews()
    {
        var snapshot = new RegistrySnapshot(1, [
            new MeshCluster(All, ImmutableArray<MeshEndpoint>.Empty, endpointsReceived: false),
            new MeshCluster(V1, ImmutableArray<MeshEndpoint>.Empty, endpointsReceived: false),
        ]);
        Assert.True(snapshot.TryFindService("reviews:9080", "default", out var service));
        return service;
    }
}
