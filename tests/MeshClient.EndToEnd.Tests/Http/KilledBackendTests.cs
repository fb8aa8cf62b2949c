using Xunit.Abstractions;

namespace MeshClient.EndToEnd.Tests.Http;

/// <summary>A pod dies while the app is calling: retries on the next endpoint hide it, ejection then routes around it.</summary>
public sealed class KilledBackendTests(ITestOutputHelper output)
{
    private const int ConsecutiveFailures = 3;

    [Fact]
    public async Task A_backend_killed_mid_run_fails_no_GET_and_later_calls_avoid_it()
    {
        await using var mesh = await MeshScenario.StartAsync(output);
        var a = await mesh.StartBackendAsync("a");
        var b = await mesh.StartBackendAsync("b");
        var c = await mesh.StartBackendAsync("c");
        mesh.Pilot.SetService("reviews", 9080, [a.Endpoint(), b.Endpoint(), c.Endpoint()]);
        await mesh.StartAppAsync(o =>
        {
            o.Retry.OnNext = 1;
            o.OutlierDetection.ConsecutiveFailures = ConsecutiveFailures;
        });

        using var client = mesh.CreateClient();
        await using var stream = CallStream.Start(client, "/reviews/1");
        await stream.WaitForCallsAsync(30);
        Assert.True(b.Received > 0, "b served calls before it was killed");

        // Calls go on while Kestrel shuts down: count from just before the kill.
        var attemptsAtKill = mesh.Attempts.Count;
        await b.KillAsync();
        var callsAtKill = stream.Count;

        // Round robin over three pods sends b a call in every three; after ConsecutiveFailures of them it is ejected.
        await stream.WaitForCallsAsync(callsAtKill + 30);
        var failedAtB = mesh.Attempts.Since(attemptsAtKill).Where(t => t.Port == b.Port && !t.Succeeded).ToList();
        Assert.Equal(ConsecutiveFailures, failedAtB.Count);
        Assert.All(failedAtB, t => Assert.Null(t.Status));

        var attemptsAfterEjection = mesh.Attempts.Count;
        var callsAfterEjection = stream.Count;
        await stream.WaitForCallsAsync(callsAfterEjection + 30);
        var calls = await stream.StopAsync();

        Assert.All(calls, call => Assert.True(call.Succeeded, call.ToString()));
        Assert.DoesNotContain(mesh.Attempts.Since(attemptsAfterEjection), t => t.Port == b.Port);
        Assert.All(calls.Skip(callsAfterEjection), call => Assert.Contains(call.Backend, new[] { "a", "c" }));
    }
}
