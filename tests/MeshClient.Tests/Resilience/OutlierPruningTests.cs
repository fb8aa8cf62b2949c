using Microsoft.Extensions.Time.Testing;
using MeshClient.Registry;
using MeshClient.Resilience;
using MeshClient.Tests.Routing;

namespace MeshClient.Tests.Resilience;

/// <summary>Outlier records of services and endpoints that left are pruned on the thread pool, not on a failing call.</summary>
public sealed class OutlierPruningTests
{
    private const string OtherHost = "ratings.default.svc.cluster.local";

    [Fact]
    public async Task Records_of_departed_endpoints_and_detectors_of_departed_services_are_pruned_after_a_registry_change()
    {
        var time = new FakeTimeProvider();
        var registry = new MeshRegistry(Snapshot(reviewsPods: 3, withOther: true));
        var outliers = new ServiceOutlierDetectors(new OutlierDetectionSettings(5, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(300), 50), time);
        var reviews = Service(registry, MeshFixtures.ReviewsHost);
        var ratings = Service(registry, OtherHost);
        foreach (var endpoint in reviews.AllEndpoints!.Endpoints)
        {
            outliers.GetOrCreate(reviews).ReportFailure(endpoint, 3);
        }

        outliers.GetOrCreate(ratings).ReportFailure(ratings.AllEndpoints!.Endpoints[0], 1);
        outliers.PruneIfStale(registry);
        await outliers.Pruned.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(3, outliers.GetOrCreate(reviews).RecordCount);
        Assert.Equal(2, outliers.Count);

        // Same version: nothing to do, no work queued.
        var pruned = outliers.Pruned;
        outliers.PruneIfStale(registry);
        Assert.Same(pruned, outliers.Pruned);

        registry.Replace(Snapshot(reviewsPods: 1, withOther: false).Clusters.Values);
        outliers.PruneIfStale(registry);
        await outliers.Pruned.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, outliers.Count);
        Assert.Equal(1, outliers.GetOrCreate(reviews).RecordCount);
    }

    [Fact]
    public void Counting_a_services_endpoints_for_the_ejection_share_allocates_nothing()
    {
        var service = Service(new MeshRegistry(Snapshot(reviewsPods: 1000, withOther: false)), MeshFixtures.ReviewsHost);
        Assert.Equal(1000, ServiceOutlierDetectors.EndpointCount(service));

        var before = GC.GetAllocatedBytesForCurrentThread();
        var count = ServiceOutlierDetectors.EndpointCount(service);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(1000, count);
        Assert.Equal(0, allocated);
    }

    private static MeshService Service(MeshRegistry registry, string host)
    {
        Assert.True(registry.Current.TryFindService(host, 9080, "default", out var service));
        return service;
    }

    private static RegistrySnapshot Snapshot(int reviewsPods, bool withOther)
    {
        var clusters = new List<MeshCluster>
        {
            MeshFixtures.Cluster(MeshFixtures.ReviewsHost, string.Empty, [.. Enumerable.Range(1, reviewsPods).Select(i => MeshFixtures.Endpoint($"10.1.{i / 250}.{(i % 250) + 1}"))]),
        };
        if (withOther)
        {
            clusters.Add(MeshFixtures.Cluster(OtherHost, string.Empty, MeshFixtures.Endpoint("10.2.0.1")));
        }

        return new RegistrySnapshot(1, clusters);
    }
}
