using Xunit.Abstractions;

namespace MeshClient.EndToEnd.Tests.Http;

/// <summary>
/// Issue 4: "when every endpoint is ejected, route to all of them rather than fail" (Envoy's panic routing spreads
/// the calls over every host).
/// </summary>
/// <remarks>
/// Guards a bug this test found: <c>EndpointPool.TryPick</c> once returned its first pick after picking again once per
/// candidate, so round robin's cursor moved a whole turn per call and every call went to the same pod.
/// </remarks>
public sealed class AllEjectedTests(ITestOutputHelper output)
{
    [Fact]
    public async Task When_every_backend_is_ejected_calls_are_spread_over_all_of_them_rather_than_fail()
    {
        await using var mesh = await MeshScenario.StartAsync(output);
        var p1 = await mesh.StartBackendAsync("p1");
        var p2 = await mesh.StartBackendAsync("p2");
        p1.Status = 503;
        p2.Status = 503;
        mesh.Pilot.SetService("reviews", 9080, [p1.Endpoint(), p2.Endpoint()]);
        await mesh.StartAppAsync(o =>
        {
            o.Retry.Enabled = false;
            o.OutlierDetection.ConsecutiveFailures = 1;
            o.OutlierDetection.MaxEjectionPercent = 100;
        });

        var ejecting = await mesh.CallAsync(2);
        Assert.All(ejecting, c => Assert.Equal(503, c.Status));
        Assert.Equal([1, 1], new[] { p1.Received, p2.Received });

        // Both are ejected (the manual clock does not move) and have recovered: the calls still reach the pods...
        p1.Status = 200;
        p2.Status = 200;
        var calls = await mesh.CallAsync(20);
        Assert.All(calls, c => Assert.True(c.Succeeded, c.ToString()));
        Assert.Equal(22, p1.Received + p2.Received);

        // ...and all of them, as round robin spreads calls: not every call on one pod.
        var answered = Seed.CountByBackend(calls);
        Assert.True(
            answered.GetValueOrDefault("p1") >= 5 && answered.GetValueOrDefault("p2") >= 5,
            $"Of 20 calls with both pods ejected, p1 answered {answered.GetValueOrDefault("p1")} and p2 {answered.GetValueOrDefault("p2")}: they should be spread over both.");
    }
}
