using MeshClient.Diagnostics;
using MeshClient.Registry;
using MeshClient.Resilience;
using MeshClient.Tests.Http;
using MeshClient.Tests.Routing;
using Microsoft.Extensions.Time.Testing;

namespace MeshClient.Tests.Resilience;

/// <summary>A call's outcome goes to the service's outlier detector; an ejection is counted and logged once.</summary>
public sealed class EndpointOutcomeReporterTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void An_ejection_is_counted_per_service_and_logged_with_the_endpoint_time_and_threshold()
    {
        var registry = new MeshRegistry(new RegistrySnapshot(1, [MeshFixtures.Cluster(MeshFixtures.ReviewsHost, string.Empty, MeshFixtures.Endpoint("10.1.0.1"), MeshFixtures.Endpoint("10.1.0.2"))]));
        Assert.True(registry.Current.TryFindService(MeshFixtures.ReviewsHost, 9080, "default", out var service));
        var endpoint = service.AllEndpoints!.Endpoints[0];
        using var meters = new TestMeterFactory();
        using var recorder = new MeasurementRecorder(meters);
        using var metrics = new MeshMetrics(registry, meters);
        var logger = new RecordingLogger();
        var outliers = new ServiceOutlierDetectors(new OutlierDetectionSettings(2, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(300), 50), _time);
        var reporter = new EndpointOutcomeReporter(registry, outliers, metrics, logger);
        Assert.Same(outliers, reporter.Outliers);

        reporter.Report(service, endpoint, failed: true);
        Assert.Equal(0, recorder.Sum("meshclient.outlier.ejections"));
        Assert.Empty(logger.Entries);

        reporter.Report(service, endpoint, failed: true);
        Assert.True(outliers.IsEjected(service, endpoint));
        Assert.Equal(MeshFixtures.ReviewsHost, Assert.Single(recorder.Of("meshclient.outlier.ejections")).Tags["service"]);
        var entry = Assert.Single(logger.Entries);
        Assert.Equal(4002, entry.EventId.Id);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, entry.Level);
        Assert.Contains($"Ejected endpoint {endpoint} of {MeshFixtures.ReviewsHost} for 00:00:30 after 2 consecutive failures", entry.Message, StringComparison.Ordinal);

        // Failures while ejected neither count nor log again.
        reporter.Report(service, endpoint, failed: true);
        reporter.Report(service, endpoint, failed: true);
        Assert.Equal(1, recorder.Sum("meshclient.outlier.ejections"));
        Assert.Single(logger.Entries);
    }

    [Fact]
    public void Without_outlier_detection_an_outcome_is_ignored_and_without_metrics_an_ejection_is_still_logged()
    {
        var registry = new MeshRegistry(new RegistrySnapshot(1, [MeshFixtures.Cluster(MeshFixtures.ReviewsHost, string.Empty, MeshFixtures.Endpoint("10.1.0.1"))]));
        Assert.True(registry.Current.TryFindService(MeshFixtures.ReviewsHost, 9080, "default", out var service));
        var endpoint = service.AllEndpoints!.Endpoints[0];
        var logger = new RecordingLogger();

        var off = new EndpointOutcomeReporter(registry, null, null, logger);
        Assert.Null(off.Outliers);
        for (var i = 0; i < 10; i++)
        {
            off.Report(service, endpoint, failed: true);
        }

        Assert.Empty(logger.Entries);

        var outliers = new ServiceOutlierDetectors(new OutlierDetectionSettings(1, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(300), 100), _time);
        new EndpointOutcomeReporter(registry, outliers, null, logger).Report(service, endpoint, failed: true);
        Assert.Equal(4002, Assert.Single(logger.Entries).EventId.Id);
    }

    [Fact]
    public void The_registry_and_the_logger_are_required()
    {
        var registry = new MeshRegistry();
        Assert.Throws<ArgumentNullException>(() => new EndpointOutcomeReporter(null!, null, null, new RecordingLogger()));
        Assert.Throws<ArgumentNullException>(() => new EndpointOutcomeReporter(registry, null, null, null!));
    }
}
