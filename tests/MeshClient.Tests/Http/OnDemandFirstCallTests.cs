using MeshClient;
using MeshClient.Registry;
using MeshClient.Testing;

namespace MeshClient.Tests.Http;

/// <summary>On-demand EDS through a console app's handler: the first call to a service waits for its endpoints.</summary>
public sealed class OnDemandFirstCallTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(XdsProtocol.StateOfTheWorld)]
    [InlineData(XdsProtocol.Delta)]
    public async Task The_first_call_to_a_service_waits_for_its_endpoints_and_is_routed(XdsProtocol protocol)
    {
        await using var backend = await TestBackend.StartAsync("reviews-1");
        await using var pilot = await FakePilot.StartAsync();
        pilot.SetService("reviews.default", 9080, [new FakeEndpoint("127.0.0.1", backend.Port)]);
        pilot.SetService("ratings.default", 9080, [new FakeEndpoint("127.0.0.1", backend.Port)]);
        await using var mesh = await MeshDiscovery.StartAsync(new MeshOptions
        {
            Namespace = "default",
            Pilot = { Address = pilot.Address.ToString(), InitialSyncTimeout = Bound, XdsProtocol = protocol, OnDemandEndpoints = true },
        }).WaitAsync(Bound);
        Assert.Equal(MeshConnectionState.Synced, mesh.Registry.ConnectionState);
        Assert.False(mesh.Registry.Current.Clusters["outbound|9080||reviews.default.svc.cluster.local"].EndpointsReceived);

        using var client = new HttpClient(mesh.CreateHandler()) { BaseAddress = new Uri("http://reviews:9080") };
        Assert.Equal("reviews-1", await client.GetStringAsync(new Uri("/reviews/1", UriKind.Relative)).WaitAsync(Bound));

        Assert.Equal(1, backend.Count);
        Assert.False(mesh.Registry.Current.Clusters["outbound|9080||ratings.default.svc.cluster.local"].EndpointsReceived);
    }
}
