using MeshClient.Diagnostics;
using MeshClient.Registry;
using MeshClient.Tests.Http;
using static MeshClient.Tests.Xds.Protocol.XdsFixtures;
using Cluster = MeshClient.Xds.Protos.Cluster.Cluster;

namespace MeshClient.Tests.Xds.Protocol;

/// <summary>The xDS instruments of the <c>MeshClient</c> meter, as the ADS client records them.</summary>
public sealed class AdsClientMetricsTests
{
    private static readonly Cluster Static = InlineCluster("static-a", Cluster.Types.DiscoveryType.Static, Endpoint("10.9.0.1", 80));

    [Fact]
    public async Task Responses_acks_nacks_and_reconnects_are_counted_by_type()
    {
        using var meters = new TestMeterFactory();
        using var recorder = new MeasurementRecorder(meters);
        var registry = new MeshRegistry();
        using var metrics = new MeshMetrics(registry, meters);
        await using var ads = new AdsHarness(metrics: metrics).Start();
        var (call, _) = await ads.NextStreamAsync();

        await ads.SendAsync(call, Response(ads.ClusterType, "1", "n1", Static));
        await ads.SendAsync(call, Response(ads.ClusterType, "2", "n2", Static, Static));
        call.Fail(AdsHarness.Unavailable());
        await ads.ReconnectAsync();

        Assert.Equal(2, recorder.Sum("meshclient.xds.responses"));
        Assert.All(recorder.Of("meshclient.xds.responses"), m => Assert.Equal(ads.ClusterType, m.Tags["type"]));
        Assert.Equal(ads.ClusterType, Assert.Single(recorder.Of("meshclient.xds.acks")).Tags["type"]);
        Assert.Equal(ads.ClusterType, Assert.Single(recorder.Of("meshclient.xds.nacks")).Tags["type"]);
        Assert.Equal(1, recorder.Sum("meshclient.xds.reconnects"));
    }
}
