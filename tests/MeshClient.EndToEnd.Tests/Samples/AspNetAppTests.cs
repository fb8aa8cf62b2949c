using MeshClient.EndToEnd.Tests.Http;
using MeshClient.Testing;

namespace MeshClient.EndToEnd.Tests.Samples;

/// <summary>
/// samples/AspNetApp as a process against FakePilot and three Kestrel pods: its router.yaml sends X-User jason to v3,
/// and header propagation carries the incoming request's X-User to the outgoing call the mesh routes.
/// </summary>
public sealed class AspNetAppTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_incoming_requests_header_routes_the_outgoing_call()
    {
        await using var pilot = await FakePilot.StartAsync();
        await using var v1 = await EchoBackend.StartAsync("v1");
        await using var v2 = await EchoBackend.StartAsync("v2");
        await using var v3 = await EchoBackend.StartAsync("v3");
        pilot.SetService(
            "reviews",
            9080,
            [v1.Endpoint(("version", "v1")), v2.Endpoint(("version", "v2"), ("debug", "true")), v3.Endpoint(("version", "v3"))],
            Seed.Subsets);
        await using var app = await AspNetAppProcess.StartAsync(
            new Dictionary<string, string>
            {
                ["Mesh:Pilot:Address"] = pilot.Address.ToString(),
                ["Mesh:Pilot:XdsVersion"] = "V3",
            },
            Bound);
        using var client = new HttpClient { BaseAddress = app.Address };

        var asJason = new List<string>();
        var asAnyone = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/productpage/1");
            request.Headers.Add("X-User", "jason");
            using var response = await client.SendAsync(request).WaitAsync(Bound);
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            asJason.Add(await response.Content.ReadAsStringAsync());
            asAnyone.Add(await client.GetStringAsync("/productpage/1").WaitAsync(Bound));
        }

        Assert.All(asJason, answer => Assert.Equal("v3", answer));
        Assert.Contains(asAnyone, answer => answer is "v1" or "v2");
        Assert.Equal("Healthy", await client.GetStringAsync("/healthz").WaitAsync(Bound));
    }
}
