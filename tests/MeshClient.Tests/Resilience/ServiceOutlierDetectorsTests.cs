using MeshClient.Registry;
using MeshClient.Resilience;
using MeshClient.Tests.Routing;
using Microsoft.Extensions.Time.Testing;

namespace MeshClient.Tests.Resilience;

/// <summary>One outlier detector per service port: what a reported outcome does, and how a service's endpoints are counted.</summary>
public sealed class ServiceOutlierDetectorsTests
{
    private const string OtherHost = "ratings.default.svc.cluster.local";
    private static readonly OutlierDetectionSettings Settings = new(2, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(300), 50);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Detection_off_has_no_detectors_and_on_has_them_with_its_settings()
    {
        Assert.Null(ServiceOutlierDetectors.For(null, _time));
        var outliers = ServiceOutlierDetectors.For(Settings, _time);
        Assert.NotNull(outliers);
        Assert.Same(Settings, outliers.Settings);
        Assert.Equal(0, outliers.Count);
    }

    [Fact]
    public void Endpoints_of_a_service_known_only_by_its_subsets_are_counted_over_every_subset()
    {
        var registry = new MeshRegistry(new RegistrySnapshot(1, [
            MeshFixtures.Cluster(MeshFixtures.ReviewsHost, "v1", MeshFixtures.Endpoint("10.0.1.1"), MeshFixtures.Endpoint("10.0.1.2")),
            MeshFixtures.Cluster(MeshFixtures.ReviewsHost, "v2", MeshFixtures.Endpoint("10.0.2.1")),
        ]));
        var service = Service(registry, MeshFixtures.ReviewsHost);
        Assert.Null(service.AllEndpoints);

        Assert.Equal(3, ServiceOutlierDetectors.EndpointCount(service));
    }

    [Fact]
    public void Reported_failures_eject_and_a_reported_success_ends_the_run()
    {
        var registry = new MeshRegistry(Snapshot(withOther: false));
        var service = Service(registry, MeshFixtures.ReviewsHost);
        var (a, b) = (service.AllEndpoints!.Endpoints[0], service.AllEndpoints.Endpoints[1]);
        var outliers = new ServiceOutlierDetectors(Settings, _time);

        // A success of a service without failures creates nothing.
        Assert.False(outliers.Report(registry, service, a, failed: false, out _));
        Assert.Equal(0, outliers.Count);
        Assert.Null(outliers.Find(service));
        Assert.False(outliers.IsEjected(service, a));

        Assert.False(outliers.Report(registry, service, a, failed: true, out var noEjection));
        Assert.Equal(TimeSpan.Zero, noEjection);
        Assert.Same(outliers.GetOrCreate(service), outliers.Find(service));
        Assert.False(outliers.Report(registry, service, a, failed: false, out _));
        Assert.False(outliers.Report(registry, service, a, failed: true, out _));
        Assert.False(outliers.IsEjected(service, a));

        Assert.True(outliers.Report(registry, service, a, failed: true, out var ejectionTime));
        Assert.Equal(TimeSpan.FromSeconds(30), ejectionTime);
        Assert.True(outliers.IsEjected(service, a));
        Assert.False(outliers.IsEjected(service, b));
    }

    [Fact]
    public async Task A_reported_failure_prunes_the_detectors_of_services_that_left_the_registry()
    {
        var registry = new MeshRegistry(Snapshot(withOther: true));
        var reviews = Service(registry, MeshFixtures.ReviewsHost);
        var ratings = Service(registry, OtherHost);
        var outliers = new ServiceOutlierDetectors(Settings, _time);
        outliers.Report(registry, ratings, ratings.AllEndpoints!.Endpoints[0], failed: true, out _);
        await outliers.Pruned.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, outliers.Count);

        registry.Replace(Snapshot(withOther: false).Clusters.Values);
        outliers.Report(registry, reviews, reviews.AllEndpoints!.Endpoints[0], failed: true, out _);
        await outliers.Pruned.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, outliers.Count);
        Assert.Null(outliers.Find(ratings));
        Assert.NotNull(outliers.Find(reviews));
    }

    [Fact]
    public async Task The_first_registry_version_is_pruned_too()
    {
        var registry = new MeshRegistry(Snapshot(withOther: false));
        Assert.Equal(1, registry.Version);
        var service = Service(registry, MeshFixtures.ReviewsHost);
        var outliers = new ServiceOutlierDetectors(Settings, _time);

        // A failure of an endpoint the registry does not hold (it left before the first snapshot was pruned).
        outliers.GetOrCreate(service).ReportFailure(MeshFixtures.Endpoint("10.9.9.9"), 4);
        outliers.GetOrCreate(service).ReportFailure(service.AllEndpoints!.Endpoints[0], 4);
        Assert.Equal(2, outliers.GetOrCreate(service).RecordCount);

        outliers.PruneIfStale(registry);
        await outliers.Pruned.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, outliers.GetOrCreate(service).RecordCount);
    }

    [Fact]
    public void Arguments_are_required()
    {
        var registry = new MeshRegistry(Snapshot(withOther: false));
        var service = Service(registry, MeshFixtures.ReviewsHost);
        var endpoint = service.AllEndpoints!.Endpoints[0];
        var outliers = new ServiceOutlierDetectors(Settings, _time);

        Assert.Throws<ArgumentNullException>(() => new ServiceOutlierDetectors(null!, _time));
        Assert.Throws<ArgumentNullException>(() => outliers.GetOrCreate(null!));
        Assert.Throws<ArgumentNullException>(() => outliers.PruneIfStale(null!));
        Assert.Throws<ArgumentNullException>(() => outliers.Prune(null!));
        Assert.Throws<ArgumentNullException>(() => ServiceOutlierDetectors.EndpointCount(null!));
        Assert.Throws<ArgumentNullException>(() => outliers.Report(null!, service, endpoint, true, out _));
        Assert.Throws<ArgumentNullException>(() => outliers.Report(registry, null!, endpoint, true, out _));
        Assert.Throws<ArgumentNullException>(() => outliers.Report(registry, service, null!, true, out _));
        Assert.Equal(0, outliers.Count);
    }

    private static MeshService Service(MeshRegistry registry, string host)
    {
        Assert.True(registry.Current.TryFindService(host, 9080, "default", out var service));
        return service;
    }

    private static RegistrySnapshot Snapshot(bool withOther)
    {
        var clusters = new List<MeshCluster>
        {
            MeshFixtures.Cluster(MeshFixtures.ReviewsHost, string.Empty, MeshFixtures.Endpoint("10.1.0.1"), MeshFixtures.Endpoint("10.1.0.2"), MeshFixtures.Endpoint("10.1.0.3"), MeshFixtures.Endpoint("10.1.0.4")),
        };
        if (withOther)
        {
            clusters.Add(MeshFixtures.Cluster(OtherHost, string.Empty, MeshFixtures.Endpoint("10.2.0.1")));
        }

        return new RegistrySnapshot(1, clusters);
    }
}
