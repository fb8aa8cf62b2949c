using Microsoft.Extensions.Time.Testing;
using MeshClient.LoadBalancing;
using MeshClient.Registry;
using MeshClient.Resilience;
using MeshClient.Testing;

namespace MeshClient.Tests.Resilience;

public sealed class OutlierDetectorTests
{
    private static readonly OutlierDetectionSettings Settings = new(3, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(100), 50);
    private readonly FakeTimeProvider _time = new();
    private readonly MeshEndpoint _a = new("10.0.0.1", 9080);
    private readonly MeshEndpoint _b = new("10.0.0.2", 9080);
    private readonly MeshEndpoint _c = new("10.0.0.3", 9080);

    [Fact]
    public void Ejects_after_the_threshold_of_consecutive_failures()
    {
        var detector = new OutlierDetector(Settings, _time);
        Assert.False(detector.ReportFailure(_a, 4));
        Assert.False(detector.ReportFailure(_a, 4));
        Assert.False(detector.IsEjected(_a));
        Assert.True(detector.ReportFailure(_a, 4));
        Assert.True(detector.IsEjected(_a));
        Assert.False(detector.IsEjected(_b));
    }

    [Fact]
    public void A_success_ends_the_run_of_failures()
    {
        var detector = new OutlierDetector(Settings, _time);
        detector.ReportFailure(_a, 4);
        detector.ReportFailure(_a, 4);
        detector.ReportSuccess(_a);
        Assert.False(detector.ReportFailure(_a, 4));
        Assert.False(detector.ReportFailure(_a, 4));
        Assert.False(detector.IsEjected(_a));
    }

    [Fact]
    public void Ejected_endpoint_returns_after_the_base_time_and_the_next_ejection_lasts_longer()
    {
        var detector = new OutlierDetector(Settings, _time);
        Eject(detector, _a, 4);
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.True(detector.IsEjected(_a));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(detector.IsEjected(_a));

        Eject(detector, _a, 4);
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.True(detector.IsEjected(_a));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(detector.IsEjected(_a));
    }

    [Fact]
    public void Ejection_time_never_exceeds_the_maximum()
    {
        var detector = new OutlierDetector(Settings, _time);
        var times = new List<TimeSpan>();
        detector.Ejected += (_, time) => times.Add(time);
        for (var i = 0; i < 5; i++)
        {
            Eject(detector, _a, 4);
            _time.Advance(times[^1]);
        }

        Assert.Equal([30, 60, 90, 100, 100], times.Select(t => (int)t.TotalSeconds));
    }

    [Fact]
    public void Time_back_in_service_forgets_earlier_ejections()
    {
        var detector = new OutlierDetector(Settings, _time);
        var times = new List<TimeSpan>();
        detector.Ejected += (_, time) => times.Add(time);
        Eject(detector, _a, 4);
        _time.Advance(TimeSpan.FromSeconds(30));
        Eject(detector, _a, 4);
        _time.Advance(TimeSpan.FromSeconds(60));

        // Two base periods healthy: both earlier ejections are forgotten.
        _time.Advance(TimeSpan.FromSeconds(60));
        Eject(detector, _a, 4);
        Assert.Equal([30, 60, 30], times.Select(t => (int)t.TotalSeconds));
    }

    [Fact]
    public void Never_ejects_more_than_the_maximum_share()
    {
        var detector = new OutlierDetector(Settings, _time);
        Eject(detector, _a, 3);
        Assert.True(detector.IsEjected(_a));

        // 2 of 3 would be 67% > 50%.
        for (var i = 0; i < 10; i++)
        {
            Assert.False(detector.ReportFailure(_b, 3));
        }

        Assert.False(detector.IsEjected(_b));
        Assert.False(detector.IsEjected(_c));
    }

    [Fact]
    public void One_endpoint_may_always_be_ejected_even_below_the_share_as_envoy_does()
    {
        // 10% of 5 endpoints is half an endpoint: Envoy still ejects one, but not a second.
        var detector = new OutlierDetector(Settings with { MaxEjectionPercent = 10 }, _time);
        Eject(detector, _a, 5);

        for (var i = 0; i < 10; i++)
        {
            Assert.False(detector.ReportFailure(_b, 5));
        }

        Assert.False(detector.IsEjected(_b));
    }

    [Fact]
    public void A_zero_share_ejects_nothing()
    {
        var detector = new OutlierDetector(Settings with { MaxEjectionPercent = 0 }, _time);
        for (var i = 0; i < 10; i++)
        {
            Assert.False(detector.ReportFailure(_a, 5));
        }
    }

    [Fact]
    public void Endpoints_that_left_the_service_are_forgotten_and_no_longer_count_against_the_share()
    {
        var detector = new OutlierDetector(Settings, _time);
        Eject(detector, _a, 3);

        // _a's pod is gone; _b and _c remain: ejecting _b is 1 of 2, within 50%.
        detector.Retain(new HashSet<EndpointAddress>(EndpointAddressComparer.Instance) { new(_b.Address, _b.Port), new(_c.Address, _c.Port) });
        Assert.False(detector.IsEjected(_a));
        Assert.Equal(0, detector.EjectedCount(_time.GetTimestamp()));
        Eject(detector, _b, 2);
    }

    [Fact]
    public void Concurrent_failures_of_many_endpoints_never_pass_the_share()
    {
        var endpoints = Enumerable.Range(1, 20).Select(i => new MeshEndpoint($"10.0.1.{i}", 9080)).ToArray();
        var detector = new OutlierDetector(Settings, _time);

        Parallel.For(0, endpoints.Length * Settings.ConsecutiveFailures * 4, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            detector.ReportFailure(endpoints[i % endpoints.Length], endpoints.Length));

        Assert.Equal(10, endpoints.Count(detector.IsEjected));
    }

    private static void Eject(OutlierDetector detector, MeshEndpoint endpoint, int count)
    {
        for (var i = 0; i < Settings.ConsecutiveFailures; i++)
        {
            detector.ReportFailure(endpoint, count);
        }

        Assert.True(detector.IsEjected(endpoint));
    }
}
