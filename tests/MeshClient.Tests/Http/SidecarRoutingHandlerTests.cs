using MeshClient;
using MeshClient.Http;
using MeshClient.Registry;
using MeshClient.Routing;

namespace MeshClient.Tests.Http;

/// <summary>Sidecar mode: the go-micro address rule rewrites each request's authority; the URI is restored afterwards.</summary>
public sealed class SidecarRoutingHandlerTests
{
    [Theory]
    [InlineData(":9080", false, null, "http://go.micro.api.sample/hello?x=1", "http://go-micro-api-sample:9080/hello?x=1")]
    [InlineData(null, false, null, "http://go.micro.api.sample:8080/hello", "http://go-micro-api-sample:8080/hello")]
    [InlineData(null, false, null, "http://go.micro.api.sample/", "http://go-micro-api-sample:80/")]
    [InlineData(":9080", true, "prod", "http://go.micro.srv.user/x", "http://go-micro-srv-user.prod:9080/x")]
    [InlineData("10.0.0.5:7000", true, "prod", "http://go.micro.srv.user/x", "http://10.0.0.5:7000/x")]
    [InlineData("gateway:7000", false, null, "https://go.micro.srv.user/x", "https://gateway:7000/x")]
    public async Task Call_address_rule_rewrites_the_authority(string? callAddress, bool appendNamespace, string? ns, string requested, string expected)
    {
        var inner = new RecordingHandler();
        var options = new MeshOptions
        {
            Mode = MeshMode.Sidecar,
            Namespace = ns,
            Sidecar = { CallAddress = callAddress, AppendNamespace = appendNamespace },
        };
        using var client = new HttpClient(MeshHttpHandler.CreateSidecar(options, inner));
        var uri = new Uri(requested);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);

        using var response = await client.SendAsync(request).WaitAsync(MeshClients.Bound);

        Assert.Equal(new Uri(expected), Assert.Single(inner.Uris));

        // The sidecar routes by the Kubernetes service name, so the Host header follows the new authority.
        Assert.Null(Assert.Single(inner.Hosts));
        Assert.Same(uri, request.RequestUri);
    }

    [Fact]
    public async Task Ip_hosts_are_sent_as_they_are()
    {
        var inner = new RecordingHandler();
        using var client = new HttpClient(MeshHttpHandler.CreateSidecar(new MeshOptions { Mode = MeshMode.Sidecar, Sidecar = { CallAddress = ":9080" } }, inner));

        using var response = await client.GetAsync("http://10.1.2.3:8080/x").WaitAsync(MeshClients.Bound);

        Assert.Equal(new Uri("http://10.1.2.3:8080/x"), Assert.Single(inner.Uris));
    }

    [Fact]
    public async Task Sidecar_mode_reaches_a_real_backend_through_a_fixed_address()
    {
        await using var backend = await TestBackend.StartAsync("sidecar");
        var options = new MeshOptions { Mode = MeshMode.Sidecar, Sidecar = { CallAddress = $"127.0.0.1:{backend.Port}" } };
        using var client = new HttpClient(MeshHttpHandler.CreateSidecar(options, new SocketsHttpHandler()));

        Assert.Equal("sidecar", await client.GetIdAsync("http://go.micro.api.sample/call?id=1"));
        var received = Assert.Single(backend.Received);
        Assert.Equal("/call?id=1", received.PathAndQuery);
        Assert.Equal($"127.0.0.1:{backend.Port}", received.Host);
    }

    [Theory]
    [InlineData("", "Mesh:Sidecar:CallAddress: is empty")]
    [InlineData("   ", "Mesh:Sidecar:CallAddress: is empty")]
    [InlineData(":abc", "needs a port from 1 to 65535")]
    [InlineData(":70000", "needs a port from 1 to 65535")]
    [InlineData("host:port/path", "Mesh:Sidecar:CallAddress: 'host:port/path' is not 'host' or 'host:port'.")]
    public void Bad_call_address_is_a_clear_error_at_creation(string callAddress, string expected)
    {
        var options = new MeshOptions { Mode = MeshMode.Sidecar, Sidecar = { CallAddress = callAddress } };

        var error = Assert.Throws<ArgumentException>(() => MeshHttpHandler.CreateSidecar(options, new RecordingHandler()));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pilot_mode_handler_refuses_sidecar_options()
    {
        var router = new MeshRouter(new MeshRegistry());
        var error = Assert.Throws<ArgumentException>(() => MeshHttpHandler.Create(router, new MeshOptions { Mode = MeshMode.Sidecar }));
        Assert.Contains("CreateSidecar", error.Message, StringComparison.Ordinal);
    }
}
