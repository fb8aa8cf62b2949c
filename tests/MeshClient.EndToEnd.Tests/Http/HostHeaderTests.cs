using System.Globalization;
using Xunit.Abstractions;

namespace MeshClient.EndToEnd.Tests.Http;

/// <summary>The Host header the backend receives, and the request URI the caller sees afterwards.</summary>
public sealed class HostHeaderTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_backend_receives_the_logical_host_when_preserved_and_the_endpoint_address_when_not(bool preserve)
    {
        await using var mesh = await MeshScenario.StartAsync(output);
        var pod = await mesh.StartBackendAsync("v1");
        mesh.Pilot.SetService("reviews", 9080, [pod.Endpoint(("version", "v1"))]);
        await mesh.StartAppAsync(o => o.Routing.PreserveHostHeader = preserve);

        using var client = mesh.CreateClient();
        using var response = await client.GetAsync(new Uri("/reviews/1?stars=true", UriKind.Relative)).WaitAsync(MeshScenario.Bound);

        Assert.Equal("v1", await response.Content.ReadAsStringAsync());
        var endpoint = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{pod.Port}");
        Assert.Equal(preserve ? "reviews:9080" : endpoint, Assert.Single(response.Headers.GetValues(EchoBackend.ReceivedHostHeader)));

        // The request went to the endpoint, and the caller gets its own URI back.
        Assert.Equal(new Uri($"http://{endpoint}/reviews/1?stars=true"), Assert.Single(mesh.Attempts.Snapshot()).Uri);
        Assert.Equal(new Uri("http://reviews:9080/reviews/1?stars=true"), response.RequestMessage!.RequestUri);
        Assert.False(response.RequestMessage.Headers.Contains("Host"));
    }
}
