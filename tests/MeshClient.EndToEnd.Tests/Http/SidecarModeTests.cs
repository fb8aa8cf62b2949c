using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MeshClient;
using MeshClient.EndToEnd.Tests.Xds;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace MeshClient.EndToEnd.Tests.Http;

/// <summary>
/// Sidecar mode through DI (go-micro under Istio, no registry): the mesh handler only rewrites each call's address by
/// the go-micro rule and the Envoy sidecar balances. The derived name (<c>go-micro-api-sample</c>) is a Kubernetes
/// service that does not resolve here, so the app's primary handler plays the cluster's DNS: it records the name it is
/// asked to connect to and connects to the pod on loopback.
/// </summary>
public sealed class SidecarModeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(false, "go-micro-api-sample")]
    [InlineData(true, "go-micro-api-sample.prod")]
    public async Task Each_call_goes_to_the_service_name_with_dots_as_dashes_at_the_call_address_port(bool appendNamespace, string expectedHost)
    {
        await using var pod = await EchoBackend.StartAsync("sample");
        var attempts = new AttemptLog();
        var connects = new ConcurrentQueue<string>();
        var builder = TestHost.CreateBuilder(new TestOutputLoggerProvider(output), AppContext.BaseDirectory);
        builder.Services.AddMeshDiscovery(o =>
        {
            o.Mode = MeshMode.Sidecar;
            o.Namespace = "prod";
            o.Service.Name = "go.micro.api.caller";
            o.Sidecar.CallAddress = ":" + pod.Port.ToString(CultureInfo.InvariantCulture);
            o.Sidecar.AppendNamespace = appendNamespace;
        });
        builder.Services.AddHttpClient("sample", c =>
            {
                c.BaseAddress = new Uri("http://go.micro.api.sample");
                c.Timeout = MeshScenario.Bound;
            })
            .AddMeshRouting()
            .AddHttpMessageHandler(() => new AttemptRecorder(attempts))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { ConnectCallback = (context, token) => ConnectToLoopbackAsync(context, connects, token) });
        using var host = builder.Build();
        await host.StartAsync().WaitAsync(MeshScenario.Bound);

        using var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("sample");
        using var response = await client.GetAsync(new Uri("/hello?name=john", UriKind.Relative));

        var authority = expectedHost + ":" + pod.Port.ToString(CultureInfo.InvariantCulture);
        Assert.Equal(new Uri($"http://{authority}/hello?name=john"), Assert.Single(attempts.Snapshot()).Uri);
        Assert.Equal(authority, Assert.Single(connects));
        Assert.Equal("sample", await response.Content.ReadAsStringAsync());
        Assert.Equal(authority, Assert.Single(response.Headers.GetValues(EchoBackend.ReceivedHostHeader)));
        Assert.Equal(new Uri("http://go.micro.api.sample/hello?name=john"), response.RequestMessage!.RequestUri);
        await host.StopAsync().WaitAsync(MeshScenario.Bound);
    }

    [Theory]
    [InlineData("", false, "is empty")]
    [InlineData("   ", false, "is empty")]
    [InlineData("", true, "is empty")]
    [InlineData(":http", false, "Mesh:Sidecar:CallAddress: ':http' needs a port from 1 to 65535 after ':'.")]
    [InlineData(":70000", true, "Mesh:Sidecar:CallAddress: ':70000' needs a port from 1 to 65535 after ':'.")]
    public async Task A_bad_call_address_fails_start_up_naming_Mesh_Sidecar_CallAddress(string address, bool fromConfiguration, string reason)
    {
        var builder = TestHost.CreateBuilder(new TestOutputLoggerProvider(output), AppContext.BaseDirectory);
        if (fromConfiguration)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Mesh:Mode"] = "Sidecar",
                ["Mesh:Sidecar:CallAddress"] = address,
            });
            builder.Services.AddMeshDiscovery(builder.Configuration.GetSection("Mesh"));
        }
        else
        {
            builder.Services.AddMeshDiscovery(o =>
            {
                o.Mode = MeshMode.Sidecar;
                o.Sidecar.CallAddress = address;
            });
        }

        builder.Services.AddHttpClient("sample", c => c.BaseAddress = new Uri("http://go.micro.api.sample")).AddMeshRouting();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().WaitAsync(MeshScenario.Bound));
        Assert.Contains("Mesh:Sidecar:CallAddress", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    private static async ValueTask<Stream> ConnectToLoopbackAsync(SocketsHttpConnectionContext context, ConcurrentQueue<string> connects, CancellationToken cancellationToken)
    {
        connects.Enqueue(context.DnsEndPoint.Host + ":" + context.DnsEndPoint.Port.ToString(CultureInfo.InvariantCulture));
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
