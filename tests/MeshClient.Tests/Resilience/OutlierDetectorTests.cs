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
        var (detector, times) = RecordingEjections();
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
        var (detector, times) = RecordingEjections();
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

    [Fact]
    public void Failures_while_ejected_do_not_count_and_the_run_starts_afresh_after_the_ejection()
    {
        var (detector, times) = RecordingEjections();
        Eject(detector, _a, 4);
        for (var i = 0; i < 10; i++)
        {
            Assert.False(detector.ReportFailure(_a, 4));
        }

        // The failures while ejected neither extended the ejection nor count toward the next one.
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.False(detector.IsEjected(_a));
        Assert.False(detector.ReportFailure(_a, 4));
        Assert.False(detector.ReportFailure(_a, 4));
        Assert.False(detector.IsEjected(_a));
        Assert.True(detector.ReportFailure(_a, 4, out var ejectionTime));
        Assert.Equal(TimeSpan.FromSeconds(60), ejectionTime);
        Assert.Equal([30, 60], times.Select(t => (int)t.TotalSeconds));
    }

    [Fact]
    public void A_service_without_endpoints_ejects_nothing()
    {
        var detector = new OutlierDetector(Settings with { MaxEjectionPercent = 100 }, _time);
        for (var i = 0; i < 10; i++)
        {
            Assert.False(detector.ReportFailure(_a, 0));
        }

        Assert.False(detector.IsEjected(_a));
    }

    [Fact]
    public void An_ejection_that_ended_no_longer_counts_against_the_share()
    {
        var detector = new OutlierDetector(Settings, _time);
        Eject(detector, _a, 3);
        Assert.Equal(1, detector.EjectedCount(_time.GetTimestamp()));

        // At the very end of _a's 30 s it is back, so ejecting _b is 1 of 3 again.
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(0, detector.EjectedCount(_time.GetTimestamp()));
        Eject(detector, _b, 3);
    }

    [Fact]
    public void An_ejection_lasts_at_least_the_base_time_even_with_a_lower_maximum()
    {
        // The options validator rejects a maximum below the base; the detector still ejects for the base time.
        var detector = new OutlierDetector(Settings with { MaxEjectionTime = TimeSpan.FromSeconds(10) }, _time);
        detector.ReportFailure(_a, 4);
        detector.ReportFailure(_a, 4);
        Assert.True(detector.ReportFailure(_a, 4, out var ejectionTime));
        Assert.Equal(TimeSpan.FromSeconds(30), ejectionTime);
    }

    [Fact]
    public void A_zero_base_ejection_time_ejects_for_no_time_and_never_fails()
    {
        // The options validator rejects a zero base; the detector must still not divide by the zero period.
        var detector = new OutlierDetector(new OutlierDetectionSettings(1, TimeSpan.Zero, TimeSpan.Zero, 100), _time);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(detector.ReportFailure(_a, 1, out var ejectionTime));
            Assert.Equal(TimeSpan.Zero, ejectionTime);
            Assert.False(detector.IsEjected(_a));
            _time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public void Healthy_time_is_forgotten_a_whole_base_period_at_a_time_counted_from_the_last_forgetting()
    {
        var (detector, times) = RecordingEjections();
        Eject(detector, _a, 4);
        _time.Advance(TimeSpan.FromSeconds(30));
        Eject(detector, _a, 4);

        // Back in service at 90 s. At 135 s one whole base period (90..120) is forgotten: one ejection of two.
        _time.Advance(TimeSpan.FromSeconds(105));
        Assert.False(detector.ReportFailure(_a, 4));

        // At 140 s only 20 s have passed since 120 s: nothing more is forgotten, so the next ejection is the second.
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(detector.ReportFailure(_a, 4));
        Assert.True(detector.ReportFailure(_a, 4, out var ejectionTime));
        Assert.Equal(TimeSpan.FromSeconds(60), ejectionTime);
        Assert.Equal([30, 60, 60], times.Select(t => (int)t.TotalSeconds));
    }

    [Fact]
    public void A_long_healthy_time_forgets_all_ejections_and_the_count_grows_again_from_one()
    {
        var (detector, times) = RecordingEjections();
        Eject(detector, _a, 4);

        // Five base periods healthy forget more ejections than there were: the count stops at none.
        _time.Advance(TimeSpan.FromSeconds(30 + 150));
        Eject(detector, _a, 4);
        _time.Advance(times[^1]);
        Eject(detector, _a, 4);

        Assert.Equal([30, 30, 60], times.Select(t => (int)t.TotalSeconds));
    }

    [Fact]
    public void An_endpoint_is_back_at_the_very_end_of_its_ejection_while_a_later_ejection_lasts()
    {
        var detector = new OutlierDetector(Settings, _time);
        Eject(detector, _a, 4);
        _time.Advance(TimeSpan.FromSeconds(10));
        Eject(detector, _b, 4);

        // At 30 s _a's ejection ends; _b's lasts until 40 s.
        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.False(detector.IsEjected(_a));
        Assert.True(detector.IsEjected(_b));
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(detector.IsEjected(_b));
    }

    private static void Eject(OutlierDetector detector, MeshEndpoint endpoint, int count)
    {
        for (var i = 0; i < Settings.ConsecutiveFailures; i++)
        {
            detector.ReportFailure(endpoint, count);
        }

        Assert.True(detector.IsEjected(endpoint));
    }

    /// <summary>A detector on <see cref="Settings"/> and the test's clock, and the ejection times it raises, in order.</summary>
    private (OutlierDetector Detector, List<TimeSpan> Times) RecordingEjections()
    {
        var detector = new OutlierDetector(Settings, _time);
        var times = new List<TimeSpan>();
        detector.Ejected += (_, time) => times.Add(time);
        return (detector, times);
    }
}
