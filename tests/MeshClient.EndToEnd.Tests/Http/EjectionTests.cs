using MeshClient.Testing;
using MeshClient.Tests.Shared;
using Xunit.Abstractions;

namespace MeshClient.EndToEnd.Tests.Http;

/// <summary>
/// Passive outlier ejection through DI: the ejection time runs on the app's <see cref="TimeProvider"/> singleton, here a
/// <see cref="SignalingTimeProvider"/> registered before <c>AddMeshDiscovery</c> (which only adds the system clock when none is registered).
/// </summary>
public sealed class EjectionTests(ITestOutputHelper output)
{
    private const int ConsecutiveFailures = 3;
    private static readonly TimeSpan BaseEjectionTime = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_backend_answering_503_is_ejected_after_N_failures_in_a_row_and_returns_after_the_base_ejection_time()
    {
        await using var mesh = await MeshScenario.StartAsync(output);
        var good1 = await mesh.StartBackendAsync("good1");
        var good2 = await mesh.StartBackendAsync("good2");
        var bad = await mesh.StartBackendAsync("bad");
        bad.Status = 503;
        mesh.Pilot.SetService("reviews", 9080, [good1.Endpoint(), good2.Endpoint(), bad.Endpoint()]);
        await mesh.StartAppAsync(o =>
        {
            // No retries: each call is one attempt, so every 503 reaches the caller and shows where the call went.
            o.Retry.Enabled = false;
            o.OutlierDetection.ConsecutiveFailures = ConsecutiveFailures;
            o.OutlierDetection.BaseEjectionTime = BaseEjectionTime;
        });

        // Round robin over three pods: bad answers 3 of 9 calls with 503, the third in a row ejects it.
        var before = await mesh.CallAsync(3 * ConsecutiveFailures);
        Assert.Equal(ConsecutiveFailures, before.Count(c => c.Status == 503));
        Assert.Equal(ConsecutiveFailures, bad.Received);

        var ejected = await mesh.CallAsync(30);
        Assert.All(ejected, c => Assert.True(c.Succeeded, c.ToString()));
        Assert.Equal(ConsecutiveFailures, bad.Received);

        // One second short of the ejection time: still out.
        mesh.Time.Advance(BaseEjectionTime - TimeSpan.FromSeconds(1));
        var stillEjected = await mesh.CallAsync(30);
        Assert.All(stillEjected, c => Assert.True(c.Succeeded, c.ToString()));
        Assert.Equal(ConsecutiveFailures, bad.Received);

        // The ejection time is over and the pod has recovered: it gets its full share again.
        bad.Status = 200;
        mesh.Time.Advance(TimeSpan.FromSeconds(1));
        var returned = await mesh.CallAsync(30);
        Assert.All(returned, c => Assert.True(c.Succeeded, c.ToString()));
        Assert.Equal(10, Seed.CountByBackend(returned).GetValueOrDefault("bad"));
        Assert.Equal(ConsecutiveFailures + 10, bad.Received);
    }

    [Fact]
    public async Task A_backend_that_fails_again_after_its_return_is_ejected_for_twice_the_base_time()
    {
        await using var mesh = await MeshScenario.StartAsync(output);
        var good1 = await mesh.StartBackendAsync("good1");
        var good2 = await mesh.StartBackendAsync("good2");
        var bad = await mesh.StartBackendAsync("bad");
        bad.Status = 503;
        mesh.Pilot.SetService("reviews", 9080, [good1.Endpoint(), good2.Endpoint(), bad.Endpoint()]);
        await mesh.StartAppAsync(o =>
        {
            o.Retry.Enabled = false;
            o.OutlierDetection.ConsecutiveFailures = ConsecutiveFailures;
            o.OutlierDetection.BaseEjectionTime = BaseEjectionTime;
        });

        await mesh.CallAsync(3 * ConsecutiveFailures);
        Assert.Equal(ConsecutiveFailures, bad.Received);

        // Back after the base time, still failing: ejected again after N more failures, now for twice as long.
        mesh.Time.Advance(BaseEjectionTime);
        await mesh.CallAsync(3 * ConsecutiveFailures);
        Assert.Equal(2 * ConsecutiveFailures, bad.Received);

        mesh.Time.Advance(BaseEjectionTime);
        await mesh.CallAsync(30);
        Assert.Equal(2 * ConsecutiveFailures, bad.Received);

        mesh.Time.Advance(BaseEjectionTime);
        await mesh.CallAsync(30);
        Assert.True(bad.Received > 2 * ConsecutiveFailures, $"bad received {bad.Received} calls; after twice the base ejection time it is back");
    }

    [Fact]
    public async Task When_every_backend_fails_no_more_than_the_maximum_share_is_ejected_and_with_all_ejected_calls_still_reach_them()
    {
        await using var mesh = await MeshScenario.StartAsync(output);
        var pods = new[] { await mesh.StartBackendAsync("p1"), await mesh.StartBackendAsync("p2"), await mesh.StartBackendAsync("p3"), await mesh.StartBackendAsync("p4") };
        foreach (var pod in pods)
        {
            pod.Status = 503;
        }

        mesh.Pilot.SetService("reviews", 9080, pods.Select(p => p.Endpoint()));
        await mesh.StartAppAsync(o =>
        {
            o.Retry.Enabled = false;
            o.OutlierDetection.ConsecutiveFailures = 1;
            o.OutlierDetection.MaxEjectionPercent = 50;
        });

        // At most half of the four pods are ejected: the other two keep taking every call.
        var calls = await mesh.CallAsync(20);
        Assert.All(calls, c => Assert.Equal(503, c.Status));
        Assert.Equal(2, pods.Count(p => p.Received == 1));
        Assert.Equal(18, pods.Where(p => p.Received > 1).Sum(p => p.Received));
    }
}
