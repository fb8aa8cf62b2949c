using MeshClient.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static MeshClient.Tests.Http.TestCertificates;

namespace MeshClient.Tests.Http;

/// <summary>
/// Istio mutual TLS from what Pilot says, over real gRPC: FakePilot sends the clusters' UpstreamTlsContext and the
/// endpoints' tlsMode; the console-app client (MeshDiscovery) and the DI client (AddMeshRouting) call a STRICT pod over
/// mTLS and a pod without a sidecar in plaintext.
/// </summary>
public sealed class PeerTlsDiscoveryTests : IDisposable
{
    private static readonly TimeSpan Bound = MeshClients.Bound;
    private readonly TestCertificates _certificates = new();

    public void Dispose() => _certificates.Dispose();

    [Fact]
    public async Task A_console_app_calls_the_sidecar_pod_over_mtls_and_the_pod_without_one_in_plaintext()
    {
        var workload = _certificates.WriteWorkload(Spiffe("productpage"));
        var (strict, _) = await TlsPod.StartAsync("strict", Issue(_certificates.Root, Spiffe("reviews")), _certificates.Root);
        await using var _strict = strict;
        await using var plain = await TestBackend.StartAsync("plain");
        await using var pilot = await StartPilotAsync(strict, plain);

        await using var mesh = await MeshDiscovery.StartAsync(new MeshOptions
        {
            Namespace = "default",
            Pilot = { Address = pilot.Address.ToString(), InitialSyncTimeout = Bound },
            Workload = _certificates.WorkloadOptions,
        }).WaitAsync(Bound);
        using var client = new HttpClient(mesh.CreateHandler()) { BaseAddress = new Uri("http://reviews:9080") };

        var answers = await CallTwiceAsync(client);

        Assert.Equal(["plain", "strict"], answers.Keys.Order(StringComparer.Ordinal));
        Assert.Equal((workload.Thumbprint, "outbound_.9080_._.reviews.default.svc.cluster.local"), answers["strict"]);
        Assert.Equal(("none", "none"), answers["plain"]);
    }

    [Fact]
    public async Task A_di_client_with_add_mesh_routing_gets_mtls_on_the_factorys_primary_handler()
    {
        var workload = _certificates.WriteWorkload(Spiffe("productpage"));
        var (strict, _) = await TlsPod.StartAsync("strict", Issue(_certificates.Root, Spiffe("reviews")), _certificates.Root);
        await using var _strict = strict;
        await using var plain = await TestBackend.StartAsync("plain");
        await using var pilot = await StartPilotAsync(strict, plain);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mesh:Namespace"] = "default",
            ["Mesh:Pilot:Address"] = pilot.Address.ToString(),
            ["Mesh:Pilot:InitialSyncTimeout"] = "00:00:30",
            ["Mesh:Workload:CertificateChainFile"] = _certificates.ChainFile,
            ["Mesh:Workload:PrivateKeyFile"] = _certificates.KeyFile,
            ["Mesh:Workload:RootCertificateFile"] = _certificates.RootFile,
        });
        builder.Services.AddMeshDiscovery(builder.Configuration.GetSection("Mesh"));
        builder.Services.AddHttpClient("reviews", c => c.BaseAddress = new Uri("http://reviews:9080")).AddMeshRouting();
        using var host = builder.Build();
        await host.StartAsync().WaitAsync(Bound);

        using var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("reviews");
        var answers = await CallTwiceAsync(client);

        Assert.Equal((workload.Thumbprint, "outbound_.9080_._.reviews.default.svc.cluster.local"), answers["strict"]);
        Assert.Equal(("none", "none"), answers["plain"]);
        await host.StopAsync().WaitAsync(Bound);
    }

    private static async Task<FakePilot> StartPilotAsync(TestBackend strict, TestBackend plain)
    {
        var pilot = await FakePilot.StartAsync();
        pilot.SetPeerTls("reviews", 9080, new FakePeerTls(Spiffe("reviews")));
        pilot.SetService("reviews", 9080, [new FakeEndpoint("127.0.0.1", strict.Port), new FakeEndpoint("127.0.0.1", plain.Port) { TlsMode = null }]);
        return pilot;
    }

    /// <summary>Two calls (round robin visits both pods, in either order): pod id to the client certificate and SNI it saw.</summary>
    private static async Task<Dictionary<string, (string Certificate, string Sni)>> CallTwiceAsync(HttpClient client)
    {
        var answers = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        for (var i = 0; i < 2; i++)
        {
            using var response = await client.GetAsync(new Uri("/reviews/1", UriKind.Relative)).WaitAsync(Bound);
            response.EnsureSuccessStatusCode();
            answers[await response.Content.ReadAsStringAsync()] = (Header(response, "X-Client-Certificate"), Header(response, "X-Sni"));
        }

        return answers;
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : "none";
}
