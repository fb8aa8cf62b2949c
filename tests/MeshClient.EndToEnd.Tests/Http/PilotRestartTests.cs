using MeshClient.Registry;
using Xunit.Abstractions;

namespace MeshClient.EndToEnd.Tests.Http;

/// <summary>Pilot goes away and comes back while the app is calling.</summary>
public sealed class PilotRestartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Pilot_restarted_during_a_stream_of_calls_fails_no_call_and_the_app_picks_up_what_the_new_pilot_serves()
    {
        await using var mesh = await MeshScenario.StartAsync(output);
        var v1 = await mesh.StartBackendAsync("v1");
        var v2 = await mesh.StartBackendAsync("v2");
        var v3 = await mesh.StartBackendAsync("v3");
        mesh.Pilot.SetService("reviews", 9080, [v1.Endpoint(), v2.Endpoint()]);

        // No per-attempt timeout: the reconnect backoff is then the only timer on the manual clock once synced.
        await mesh.StartAppAsync(o => o.Timeout = null);
        var address = mesh.Pilot.Address;

        using var client = mesh.CreateClient();
        await using var stream = CallStream.Start(client, "/reviews/1");
        await stream.WaitForCallsAsync(20);

        // Pilot goes down: the stream ends, the registry is stale but keeps serving the last good state.
        await mesh.Pilot.StopAsync().WaitAsync(MeshScenario.Bound);
        await mesh.WaitUntilAsync(() => mesh.Registry.ConnectionState == MeshConnectionState.Stale, "the registry is stale");
        await mesh.WaitUntilAsync(() => mesh.Time.ArmedTimerCount == 1, "the reconnect backoff timer is armed");
        var callsWhileDown = stream.Count;
        await stream.WaitForCallsAsync(callsWhileDown + 30);
        Assert.Equal(MeshConnectionState.Stale, mesh.Registry.ConnectionState);
        Assert.True(mesh.Registry.Current.TryFindService("reviews:9080", "default", out var reviews), mesh.Describe());
        Assert.Equal(new[] { v1.Port, v2.Port }.Order(), reviews.AllEndpoints!.Endpoints.Select(e => e.Port).Order());

        // A new Pilot on the same port serves a third pod; the backoff elapses and the client reconnects to it.
        mesh.Pilot.SetService("reviews", 9080, [v1.Endpoint(), v2.Endpoint(), v3.Endpoint()]);
        await mesh.Pilot.RestartAsync().WaitAsync(MeshScenario.Bound);
        Assert.Equal(address, mesh.Pilot.Address);
        Assert.Equal(0, v3.Received);
        mesh.Time.Advance(MeshScenario.ReconnectBackoff);

        await mesh.WaitUntilAsync(() => mesh.Registry.ConnectionState == MeshConnectionState.Synced, "the registry is synced again");
        await v3.FirstRequest.WaitAsync(MeshScenario.Bound);
        var callsAfterResync = stream.Count;
        await stream.WaitForCallsAsync(callsAfterResync + 30);
        var calls = await stream.StopAsync();

        Assert.All(calls, call => Assert.True(call.Succeeded, call.ToString()));
        // Round robin over the three pods the new Pilot serves.
        Assert.Equal(10, calls.Skip(callsAfterResync).Take(30).Count(call => call.Backend == "v3"));
    }
}
