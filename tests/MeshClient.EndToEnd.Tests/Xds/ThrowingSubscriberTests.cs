using MeshClient.Registry;
using MeshClient.Testing;
using MeshClient.Xds;
using Xunit.Abstractions;

namespace MeshClient.EndToEnd.Tests.Xds;

/// <summary>App handlers of the registry's events that throw, over real gRPC: the stream goes on, later pushes apply.</summary>
public sealed class ThrowingSubscriberTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Throwing_changed_and_state_subscribers_leave_the_stream_up_and_a_later_push_applies_on_it()
    {
        await using var harness = await DiscoveryHarness.StartAsync(XdsVersion.V3, output, Bookinfo.Serve);
        await harness.WaitForFirstSyncAsync();
        var laterSubscriberSaw = new TaskCompletionSource<RegistrySnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Registry.Changed += (_, _) => throw new InvalidOperationException("app bug");
        harness.Registry.StateChanged += (_, _) => throw new InvalidOperationException("app bug");
        harness.Registry.Changed += (_, e) =>
        {
            if (e.Current.Clusters[Bookinfo.RatingsAll].Endpoints is [{ Address: "10.44.2.77" }])
            {
                laterSubscriberSaw.TrySetResult(e.Current);
            }
        };

        harness.Pilot.SetService(Bookinfo.RatingsHost, 9080, [new FakeEndpoint("10.44.2.77", 9080)]);

        var snapshot = await laterSubscriberSaw.Task.WaitAsync(DiscoveryHarness.Bound);
        Assert.Same(snapshot, harness.Registry.Current);
        await harness.WaitForAckOfLatestAsync(harness.EndpointType);
        Assert.Equal(MeshConnectionState.Synced, harness.Registry.ConnectionState);
        Assert.All(harness.Pilot.Requests, r => Assert.Equal(1, r.StreamId));
        Assert.Equal(1, harness.Pilot.Requests.Max(r => r.StreamId));
    }
}
