using Grpc.Net.Client.Balancer;
using MeshClient.Grpc;
using MeshClient.Registry;
using MeshClient.Routing;
using Microsoft.Extensions.Logging.Abstractions;
using GrpcStatusCode = global::Grpc.Core.StatusCode;

namespace MeshClient.Tests.Grpc;

/// <summary>The xds:/// resolver with on-demand EDS: what it publishes while a service's endpoints are being fetched.</summary>
public sealed class MeshXdsResolverTests
{
    private const string Reviews = "outbound|9080||reviews.default.svc.cluster.local";

    [Fact]
    public void Endpoints_that_arrive_while_it_resolves_are_published_without_a_failure_first()
    {
        // The registry's first state names reviews without endpoints. The endpoints arrive (a new snapshot, then the
        // wait settles, as the ADS client does) between the resolver reading the state and asking whether the wait is
        // over: it must publish the endpoints, never "no routable endpoint" for a state that is already gone.
        var registry = new MeshRegistry(new RegistrySnapshot(1, [new MeshCluster(Reviews, [])]));
        registry.Demand = new ArrivingDuringTheCheck(registry, new MeshCluster(Reviews, [new MeshEndpoint("10.1.0.1", 9080)]));
        var results = new List<ResolverResult>();
        using var resolver = new MeshXdsResolver(new MeshRouter(registry), XdsTarget.Parse(new Uri("xds:///reviews:9080")), new Uri("xds:///reviews:9080"), NullLogger.Instance);

        resolver.Start(results.Add);

        var published = Assert.Single(results);
        Assert.Equal(GrpcStatusCode.OK, published.Status.StatusCode);
        Assert.Equal("10.1.0.1:9080", Assert.Single(published.Addresses!).ToString());
    }

    [Fact]
    public void A_service_whose_wait_is_over_without_endpoints_is_published_as_unavailable()
    {
        var registry = new MeshRegistry(new RegistrySnapshot(1, [new MeshCluster(Reviews, [])]));
        registry.Demand = new SettledDemand();
        var results = new List<ResolverResult>();
        using var resolver = new MeshXdsResolver(new MeshRouter(registry), XdsTarget.Parse(new Uri("xds:///reviews:9080")), new Uri("xds:///reviews:9080"), NullLogger.Instance);

        resolver.Start(results.Add);

        AssertNoRoutableEndpoint(Assert.Single(results));
    }

    [Fact]
    public async Task A_wait_that_ends_without_a_registry_change_is_published_when_it_ends()
    {
        // The ADS client publishes an empty assignment (or nothing, when the does-not-exist rule fires) and then
        // settles the wait: no registry change follows the settling, so the resolver must watch the wait itself, or
        // the channel's calls wait for their deadline instead of failing UNAVAILABLE.
        var demand = new PendingDemand();
        var (resolver, published) = StartWithoutEndpoints(demand);
        using var _ = resolver;

        demand.Settle();

        AssertNoRoutableEndpoint(await published.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_wait_that_ends_on_its_bound_fails_the_channel_and_is_not_begun_again()
    {
        // Pilot never answers (it went away after the first sync): the wait ends on its bound with nothing settled,
        // and each later wait would be a fresh bounded one. The resolver publishes the failure when the first ends.
        var demand = new BoundedDemand();
        var (resolver, published) = StartWithoutEndpoints(demand);
        using var _ = resolver;

        demand.EndTheBound();

        AssertNoRoutableEndpoint(await published.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>Starts a resolver of reviews, which has no endpoints yet, over <paramref name="demand"/>; checks that it publishes nothing at once.</summary>
    private static (MeshXdsResolver Resolver, Task<ResolverResult> FirstPublished) StartWithoutEndpoints(IServiceDemand demand)
    {
        var registry = new MeshRegistry(new RegistrySnapshot(1, [new MeshCluster(Reviews, [])]));
        registry.Demand = demand;
        var published = new TaskCompletionSource<ResolverResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var resolver = new MeshXdsResolver(new MeshRouter(registry), XdsTarget.Parse(new Uri("xds:///reviews:9080")), new Uri("xds:///reviews:9080"), NullLogger.Instance);
        resolver.Start(result => published.TrySetResult(result));
        Assert.False(published.Task.IsCompleted);
        return (resolver, published.Task);
    }

    private static void AssertNoRoutableEndpoint(ResolverResult result)
    {
        Assert.Equal(GrpcStatusCode.Unavailable, result.Status.StatusCode);
        Assert.Contains("has no routable endpoint", result.Status.Detail, StringComparison.Ordinal);
    }

    /// <summary>Each wait is a new bounded one; <see cref="EndTheBound"/> ends the current one without settling anything.</summary>
    private sealed class BoundedDemand : IServiceDemand
    {
        private TaskCompletionSource _current = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void EndTheBound() => Interlocked.Exchange(ref _current, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

        public void OnServiceUsed(MeshService service)
        {
        }

        public Task WhenEndpointsKnown(MeshService service) => Volatile.Read(ref _current).Task;
    }

    /// <summary>Every wait goes on until <see cref="Settle"/>.</summary>
    private sealed class PendingDemand : IServiceDemand
    {
        private readonly TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Settle() => _settled.TrySetResult();

        public void OnServiceUsed(MeshService service)
        {
        }

        public Task WhenEndpointsKnown(MeshService service) => _settled.Task;
    }

    /// <summary>Settles the first wait only after publishing the cluster's endpoints, as the ADS client does on arrival.</summary>
    private sealed class ArrivingDuringTheCheck(MeshRegistry registry, MeshCluster arrived) : IServiceDemand
    {
        private bool _arrived;

        public void OnServiceUsed(MeshService service)
        {
        }

        public Task WhenEndpointsKnown(MeshService service)
        {
            if (!_arrived)
            {
                _arrived = true;
                registry.Update((_, version) => new RegistrySnapshot(version, [arrived]));
            }

            return Task.CompletedTask;
        }
    }

    /// <summary>Every wait is over (the endpoints were given up on).</summary>
    private sealed class SettledDemand : IServiceDemand
    {
        public void OnServiceUsed(MeshService service)
        {
        }

        public Task WhenEndpointsKnown(MeshService service) => Task.CompletedTask;
    }
}
