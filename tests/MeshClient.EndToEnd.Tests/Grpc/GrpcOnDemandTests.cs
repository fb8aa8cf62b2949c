using Grpc.Core;
using MeshClient;
using MeshClient.EndToEnd.Tests.Grpc.Proto;
using Xunit.Abstractions;

namespace MeshClient.EndToEnd.Tests.Grpc;

/// <summary>On-demand EDS with proxyless <c>xds:///</c> channels: the channel subscribes its service, its first call waits for the endpoints.</summary>
public sealed class GrpcOnDemandTests(ITestOutputHelper output)
{
    public static TheoryData<GrpcShape, XdsProtocol> Cases => new()
    {
        { GrpcShape.XdsConsole, XdsProtocol.StateOfTheWorld },
        { GrpcShape.XdsConsole, XdsProtocol.Delta },
        { GrpcShape.XdsGrpcClientFactory, XdsProtocol.Delta },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_first_call_of_an_xds_channel_waits_for_its_service_endpoints_fetched_on_demand(GrpcShape shape, XdsProtocol protocol)
    {
        const string Reviews = "outbound|9080||reviews.default.svc.cluster.local";
        const string Ratings = "outbound|9080||ratings.default.svc.cluster.local";
        await using var grpc = await GrpcMesh.StartAsync(output);
        var pods = await grpc.StartPodsAsync("a", "b");
        grpc.Pilot.SetService("reviews", 9080, [pods[0].Endpoint()]);
        grpc.Pilot.SetService("ratings", 9080, [pods[1].Endpoint()]);
        var (client, channel) = await GrpcShapes.CreateAsync(grpc, shape, "reviews:9080", o =>
        {
            o.Pilot.XdsProtocol = protocol;
            o.Pilot.OnDemandEndpoints = true;
        });
        using var _ = channel;

        var reply = await client.WhoAsync(new WhoRequest()).ResponseAsync.WaitAsync(GrpcMesh.Bound);

        Assert.Equal("a", reply.Pod);
        Assert.True(grpc.Registry.Current.Clusters[Reviews].EndpointsReceived);
        Assert.False(grpc.Registry.Current.Clusters[Ratings].EndpointsReceived);
        Assert.Equal(0, pods[1].Received);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_call_to_a_service_pilot_sends_no_endpoints_for_fails_unavailable_instead_of_waiting(GrpcShape shape, XdsProtocol protocol)
    {
        // Pilot answers the on-demand subscription with an empty assignment (the service is scaled to zero). The
        // resolver must learn that the wait is over even though no registry change follows it, and fail the call;
        // without a deadline it would otherwise wait forever.
        await using var grpc = await GrpcMesh.StartAsync(output);
        grpc.Pilot.SetService("reviews", 9080, []);
        var (client, channel) = await GrpcShapes.CreateAsync(grpc, shape, "reviews:9080", o =>
        {
            o.Pilot.XdsProtocol = protocol;
            o.Pilot.OnDemandEndpoints = true;
        });
        using var _ = channel;

        var error = await Assert.ThrowsAsync<RpcException>(() => client.WhoAsync(new WhoRequest()).ResponseAsync.WaitAsync(GrpcMesh.Bound));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("has no routable endpoint", error.Status.Detail, StringComparison.Ordinal);
    }
}
