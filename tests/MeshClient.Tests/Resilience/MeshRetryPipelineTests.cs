using System.Collections.Concurrent;
using System.Diagnostics;
using MeshClient.Diagnostics;
using MeshClient.Routing;
using MeshClient.Tests.DependencyInjection;
using MeshClient.Tests.Http;
using MeshClient.Tests.Routing;
using Microsoft.AspNetCore.Http;
using MeshClient.LoadBalancing;
using MeshClient.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshClient.Tests.Resilience;

/// <summary>
/// What the retry pipeline reports of each retry, over real sockets: the <c>meshclient.http.retries</c> counter, the
/// retry log (retry number, same or another endpoint, the outcome that caused it) and the route activity's
/// <c>meshclient.retries</c> tag; and that a call whose first attempt succeeds reports no retry.
/// </summary>
public sealed class MeshRetryPipelineTests : IDisposable
{
    private const string Service = "retry-telemetry";
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public MeshRetryPipelineTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MeshTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("meshclient.service") is string host && host.StartsWith(Service + ".", StringComparison.Ordinal))
                {
                    _stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task Each_retry_is_counted_logged_and_tagged_with_its_number_and_target()
    {
        var backends = await TestBackend.StartManyAsync("first", "second");
        try
        {
            foreach (var backend in backends)
            {
                backend.Behaviour = TestBackend.Status(StatusCodes.Status503ServiceUnavailable);
            }

            var logs = new RecordingLogger();
            using var loggers = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Information).AddProvider(new RecordingLoggerProvider(logs)));
            var meters = new TestMeterFactory();
            using var measurements = new MeasurementRecorder(meters);
            var router = new MeshRouter(MeshTestRegistry.Create(Service, backends), options: MeshTestRegistry.InOrder());
            using var client = MeshClients.Create(router, MeshClients.Options(o =>
            {
                o.Retry.OnSame = 1;
                o.Retry.OnNext = 1;
            }), meters: meters, loggers: loggers);

            using var response = await client.GetAsync($"http://{Service}:9080/").WaitAsync(MeshClients.Bound);

            Assert.Equal(503, (int)response.StatusCode);
            Assert.Equal(2, measurements.Sum("meshclient.http.retries"));
            Assert.All(measurements.Of("meshclient.http.retries"), m => Assert.Equal(MeshTestRegistry.Host(Service), m.Tags["service"]));
            var retries = logs.Entries.Where(e => e.EventId.Id == 4001).Select(e => e.Message).ToList();
            Assert.Equal(2, retries.Count);
            Assert.Contains("(retry 1) on the same endpoint", retries[0], StringComparison.Ordinal);
            Assert.Contains("answered status 503", retries[0], StringComparison.Ordinal);
            Assert.Contains("(retry 2) on another endpoint", retries[1], StringComparison.Ordinal);
            var activity = Assert.Single(_stopped);
            Assert.Equal(2, activity.GetTagItem("meshclient.retries"));
            Assert.Equal(3, activity.GetTagItem("meshclient.attempts"));
        }
        finally
        {
            foreach (var backend in backends)
            {
                await backend.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_call_whose_first_attempt_succeeds_reports_no_retry()
    {
        await using var backend = await TestBackend.StartAsync("ok");
        var logs = new RecordingLogger();
        using var loggers = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Information).AddProvider(new RecordingLoggerProvider(logs)));
        var meters = new TestMeterFactory();
        using var measurements = new MeasurementRecorder(meters);
        var router = new MeshRouter(MeshTestRegistry.Create(Service, backend));
        using var client = MeshClients.Create(router, MeshClients.Options(o => o.Retry.OnNext = 2), meters: meters, loggers: loggers);

        Assert.Equal("ok", await client.GetIdAsync($"http://{Service}:9080/"));

        Assert.Equal(0, measurements.Sum("meshclient.http.retries"));
        Assert.DoesNotContain(logs.Entries, e => e.EventId.Id == 4001);
        var activity = Assert.Single(_stopped);
        Assert.Null(activity.GetTagItem("meshclient.retries"));
        Assert.Equal(1, activity.GetTagItem("meshclient.attempts"));
    }

    [Fact]
    public async Task A_retry_after_a_connection_failure_logs_the_exception_type_and_message()
    {
        var backends = await TestBackend.StartManyAsync("dead", "alive");
        try
        {
            await backends[0].StopAsync();
            var logs = new RecordingLogger();
            using var loggers = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Information).AddProvider(new RecordingLoggerProvider(logs)));
            var router = new MeshRouter(MeshTestRegistry.Create(Service, backends), options: MeshTestRegistry.InOrder());
            using var client = MeshClients.Create(router, MeshClients.Options(o => o.Retry.OnNext = 1), loggers: loggers);

            Assert.Equal("alive", await client.GetIdAsync($"http://{Service}:9080/"));

            var retry = Assert.Single(logs.Entries, e => e.EventId.Id == 4001).Message;
            Assert.Contains("(retry 1) on another endpoint", retry, StringComparison.Ordinal);
            Assert.Contains($"after 127.0.0.1:{backends[0].Port} answered HttpRequestException: ", retry, StringComparison.Ordinal);
            Assert.Contains("; delay 00:00:00", retry, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var backend in backends)
            {
                await backend.DisposeAsync();
            }
        }
    }

    [Fact]
    public void Retries_off_build_no_pipeline()
    {
        var settings = new RetrySettings(false, 1, 1, MeshRetryBackoff.Zero, TimeSpan.Zero, TimeSpan.Zero, false);
        Assert.Null(MeshRetryPipeline.Create(settings, TimeProvider.System, SharedRandomSource.Instance, null, NullLogger.Instance));
        Assert.Null(MeshRetryPipeline.Create(settings with { Enabled = true, OnSame = 0, OnNext = 0 }, TimeProvider.System, SharedRandomSource.Instance, null, NullLogger.Instance));
        var pipeline = MeshRetryPipeline.Create(settings with { Enabled = true, OnSame = 2 }, TimeProvider.System, SharedRandomSource.Instance, null, NullLogger.Instance);
        Assert.NotNull(pipeline);
        Assert.Equal(2, pipeline.OnSame);
    }

    [Fact]
    public async Task A_retry_that_succeeds_ends_the_retries_though_more_are_allowed()
    {
        var backends = await TestBackend.StartManyAsync("first", "second", "third");
        try
        {
            backends[0].Behaviour = TestBackend.Status(StatusCodes.Status503ServiceUnavailable);
            var meters = new TestMeterFactory();
            using var measurements = new MeasurementRecorder(meters);
            var router = new MeshRouter(MeshTestRegistry.Create(Service, backends), options: MeshTestRegistry.InOrder());
            using var client = MeshClients.Create(router, MeshClients.Options(o => o.Retry.OnNext = 2), meters: meters);

            Assert.NotEqual("first", await client.GetIdAsync($"http://{Service}:9080/"));

            // One retry, to one of the two healthy endpoints; the other never saw the call.
            Assert.Equal(1, measurements.Sum("meshclient.http.retries"));
            Assert.Equal(1, backends[0].Count);
            Assert.Equal(1, backends[1].Count + backends[2].Count);
        }
        finally
        {
            foreach (var backend in backends)
            {
                await backend.DisposeAsync();
            }
        }
    }

    [Fact]
    public void A_retry_is_due_only_for_an_outcome_the_retry_rules_retry()
    {
        var pipeline = MeshRetryPipeline.Create(new RetrySettings(true, 0, 1, MeshRetryBackoff.Zero, TimeSpan.Zero, TimeSpan.Zero, false), TimeProvider.System, SharedRandomSource.Instance, null, NullLogger.Instance)!;
        using var get = new HttpRequestMessage(HttpMethod.Get, "http://reviews:9080/");
        using var post = new HttpRequestMessage(HttpMethod.Post, "http://reviews:9080/");
        using var ok = new HttpResponseMessage(System.Net.HttpStatusCode.OK);
        using var unavailable = new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable);

        Assert.True(pipeline.IsRetryDue(CallKind.Http, get, Polly.Outcome.FromResult(unavailable)));
        Assert.False(pipeline.IsRetryDue(CallKind.Http, get, Polly.Outcome.FromResult(ok)));
        Assert.False(pipeline.IsRetryDue(CallKind.Http, post, Polly.Outcome.FromResult(unavailable)));
        Assert.False(pipeline.IsRetryDue(CallKind.GrpcStreaming, post, Polly.Outcome.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ConnectionError, "refused"))));
    }

    [Fact]
    public async Task The_pipeline_requires_its_settings_clock_random_source_logger_and_call()
    {
        var settings = new RetrySettings(true, 0, 1, MeshRetryBackoff.Zero, TimeSpan.Zero, TimeSpan.Zero, false);
        Assert.Throws<ArgumentNullException>(() => MeshRetryPipeline.Create(null!, TimeProvider.System, SharedRandomSource.Instance, null, NullLogger.Instance));
        Assert.Throws<ArgumentNullException>(() => MeshRetryPipeline.Create(settings, null!, SharedRandomSource.Instance, null, NullLogger.Instance));
        Assert.Throws<ArgumentNullException>(() => MeshRetryPipeline.Create(settings, TimeProvider.System, null!, null, NullLogger.Instance));
        Assert.Throws<ArgumentNullException>(() => MeshRetryPipeline.Create(settings, TimeProvider.System, SharedRandomSource.Instance, null, null!));
        var pipeline = MeshRetryPipeline.Create(settings, TimeProvider.System, SharedRandomSource.Instance, null, NullLogger.Instance)!;
        await Assert.ThrowsAsync<ArgumentNullException>(() => pipeline.RetryAsync(null!, default, CancellationToken.None).AsTask());
    }
}
