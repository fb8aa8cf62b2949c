using MeshClient.Registry;
using MeshClient.Testing;
using MeshClient.Xds;
using Xunit.Abstractions;

namespace MeshClient.EndToEnd.Tests.Xds;

/// <summary>One long-lived stream on one HTTP/2 connection carries every push: never a dial per update.</summary>
public sealed class ConnectionReuseTests(ITestOutputHelper output)
{
    private const int Pushes = 20;

    [Theory]
    [InlineData(XdsVersion.V3)]
    [InlineData(XdsVersion.V2)]
    public async Task Many_pushes_arrive_on_one_stream_over_one_connection(XdsVersion version)
    {
        await using var harness = await DiscoveryHarness.StartAsync(version, output, Bookinfo.Serve, countConnections: true);
        await harness.WaitForFirstSyncAsync();

        for (var i = 1; i <= Pushes; i++)
        {
            var pods = Enumerable.Range(1, i).Select(n => new FakeEndpoint($"10.44.2.{n}", 9080)).ToList();
            harness.Pilot.SetService(Bookinfo.RatingsHost, 9080, pods);
            await harness.WaitUntilAsync(() => harness.Registry.Current.Clusters[Bookinfo.RatingsAll].Endpoints.Length == pods.Count, $"push {i}");
            await harness.Pilot.PushAsync();
        }

        await harness.WaitForAckOfLatestAsync(harness.ClusterType);
        await harness.WaitForAckOfLatestAsync(harness.EndpointType);
        Assert.Equal(1, harness.ConnectionCount);
        Assert.Equal(1, harness.Pilot.ConnectedStreamCount);
        Assert.All(harness.Pilot.Requests, r => Assert.Equal(1, r.StreamId));
        Assert.Single(harness.Pilot.Requests, r => r.NodeId is not null);
        Assert.True(harness.Pilot.Responses.Count >= 4 * Pushes, $"{harness.Pilot.Responses.Count} responses");
        Assert.DoesNotContain(harness.Pilot.Requests, r => r.IsNack);
        Assert.Equal(MeshConnectionState.Synced, harness.Registry.ConnectionState);
        Assert.Null(harness.Registry.LastError);
        Assert.Equal(0, harness.Time.ArmedTimerCount);
    }
}
