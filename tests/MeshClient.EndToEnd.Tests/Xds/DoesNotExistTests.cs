using MeshClient.Registry;
using MeshClient.Testing;
using MeshClient.Xds;
using MeshClient.Xds.Protocol;
using MeshClient.Xds.Protos.Core;
using Xunit.Abstractions;
using IstioResourceBuilder = MeshClient.Testing.Resources.IstioResourceBuilder;
using XdsCluster = MeshClient.Xds.Protos.Cluster.Cluster;

namespace MeshClient.EndToEnd.Tests.Xds;

/// <summary>An EDS resource Pilot never sends is reported as not existing when the (manual) clock passes the timeout.</summary>
public sealed class DoesNotExistTests(ITestOutputHelper output)
{
    private const string DetailsHost = "details.bookinfo.svc.cluster.local";
    private const string Details = "outbound|9080||details.bookinfo.svc.cluster.local";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData(XdsVersion.V3)]
    [InlineData(XdsVersion.V2)]
    public async Task An_eds_resource_that_never_arrives_is_reported_missing_after_the_timeout_and_applied_when_it_comes(XdsVersion version)
    {
        await using var harness = await DiscoveryHarness.StartAsync(
            version,
            output,
            pilot =>
            {
                // CDS names details, but Pilot has no endpoints for it: EDS answers ratings only.
                Bookinfo.Serve(pilot);
                var clusterType = XdsTypeUrls.Cluster(version);
                pilot.SetRawResources(clusterType, [IstioResourceBuilder.Pack(EdsCluster(Bookinfo.RatingsAll), clusterType), IstioResourceBuilder.Pack(EdsCluster(Details), clusterType)]);
            },
            options => options.ResourceDoesNotExistTimeout = Timeout);
        var missing = new TaskCompletionSource<XdsResourceDoesNotExistEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Client.ResourceDoesNotExist += (_, e) => missing.TrySetResult(e);

        var edsAck = await harness.WaitForRequestAsync(r => r.TypeUrl == harness.EndpointType && r.IsAck);
        Assert.Equal([Bookinfo.RatingsAll], harness.Pilot.Responses.Single(r => r.Nonce == edsAck.ResponseNonce).ResourceNames);
        Assert.True(harness.Registry.Current.Clusters[Bookinfo.RatingsAll].EndpointsReceived);
        Assert.False(harness.Registry.Current.Clusters[Details].EndpointsReceived);
        Assert.Equal(MeshConnectionState.Connecting, harness.Registry.ConnectionState);

        // Only the details timer runs; just before the timeout nothing is reported.
        Assert.Equal(1, harness.Time.ArmedTimerCount);
        harness.Time.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, harness.Time.ArmedTimerCount);
        Assert.False(missing.Task.IsCompleted);

        harness.Time.Advance(TimeSpan.FromMilliseconds(1));
        var report = await missing.Task.WaitAsync(DiscoveryHarness.Bound);
        Assert.Equal(Details, report.ResourceName);
        Assert.Equal(harness.EndpointType, report.TypeUrl);
        Assert.Equal(Timeout, report.Timeout);

        // Every EDS name is settled (arrived or missing): synced, with the reason in the last error.
        await harness.WaitForStateAsync(MeshConnectionState.Synced);
        Assert.Contains($"EDS resource \"{Details}\" does not exist", harness.Registry.LastError, StringComparison.Ordinal);
        Assert.Empty(harness.Registry.Current.Clusters[Details].Endpoints);

        // It appears later: applied.
        harness.Pilot.SetService(DetailsHost, 9080, [new FakeEndpoint("10.44.3.31", 9080)]);
        await harness.WaitUntilAsync(() => harness.Registry.Current.Clusters[Details].EndpointsReceived, "details endpoints");
        Assert.Equal("10.44.3.31:9080", Assert.Single(harness.Registry.Current.Clusters[Details].Endpoints).ToString());
        Assert.DoesNotContain(harness.Pilot.Requests, r => r.IsNack);
    }

    private static XdsCluster EdsCluster(string name) => new()
    {
        Name = name,
        Type = XdsCluster.Types.DiscoveryType.Eds,
        EdsClusterConfig = new XdsCluster.Types.EdsClusterConfig { EdsConfig = new ConfigSource { Ads = new AggregatedConfigSource() }, ServiceName = name },
    };
}
