using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MeshClient.Http;
using MeshClient.Registry;
using MeshClient.Routing;
using MeshClient.Tests.DependencyInjection;
using MeshClient.Tests.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using static MeshClient.Tests.Http.TestCertificates;

namespace MeshClient.Tests.Http;

/// <summary>
/// Istio mutual TLS to peers through the mesh handler: real Kestrel pods that require a client certificate and present
/// SPIFFE certificates, certificates made in the test, the workload's PEM files on the real file system.
/// </summary>
public sealed class PeerTlsTests : IDisposable
{
    private const string Uri = "http://reviews.default.svc.cluster.local:9080/reviews/1";
    private const string Sni = "outbound_.9080_._.reviews.default.svc.cluster.local";
    private static readonly TimeSpan Bound = MeshClients.Bound;
    private readonly TestCertificates _certificates = new();
    private readonly RecordingLogger _log = new();
    private readonly ILoggerFactory _loggers;

    public PeerTlsTests()
    {
        _loggers = LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new RecordingLoggerProvider(_log)));
    }

    public void Dispose()
    {
        _loggers.Dispose();
        _certificates.Dispose();
    }

    [Fact]
    public async Task Mtls_presents_the_workload_certificate_with_the_clusters_sni_and_accepts_the_peers_spiffe_san()
    {
        var workload = _certificates.WriteWorkload(Spiffe("productpage"));
        var (pod, _) = await TlsPod.StartAsync("reviews-1", Issue(_certificates.Root, Spiffe("reviews")), _certificates.Root);
        await using var _pod = pod;
        using var client = Client(Router(Settings(Spiffe("reviews")), (pod, true)));

        using var response = await client.GetAsync(Uri).WaitAsync(Bound);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("reviews-1", await response.Content.ReadAsStringAsync());
        Assert.Equal(workload.Thumbprint, Header(response, "X-Client-Certificate"));
        Assert.Equal(Sni, Header(response, "X-Sni"));
        Assert.Equal("http/1.1", Header(response, "X-Alpn"));
        Assert.Equal("HTTP/1.1", Header(response, "X-Protocol"));
        Assert.Equal("reviews.default.svc.cluster.local:9080", Assert.Single(pod.Received).Host);
    }

    [Fact]
    public async Task Http2_prior_knowledge_runs_over_the_tls_stream_with_h2_negotiated()
    {
        var workload = _certificates.WriteWorkload(Spiffe("productpage"));
        var (pod, _) = await TlsPod.StartAsync("reviews-1", Issue(_certificates.Root, Spiffe("reviews")), _certificates.Root);
        await using var _pod = pod;
        using var client = Client(Router(Settings(Spiffe("reviews")), (pod, true)));

        using var request = new HttpRequestMessage(HttpMethod.Get, Uri) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await client.SendAsync(request).WaitAsync(Bound);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("h2", Header(response, "X-Alpn"));
        Assert.Equal("HTTP/2", Header(response, "X-Protocol"));
        Assert.Equal(workload.Thumbprint, Header(response, "X-Client-Certificate"));
    }

    [Fact]
    public async Task A_wrong_san_is_refused_ejected_and_the_call_is_retried_on_the_next_endpoint()
    {
        _certificates.WriteWorkload(Spiffe("productpage"));
        var (impostor, impostorConnections) = await TlsPod.StartAsync("impostor", Issue(_certificates.Root, Spiffe("ratings")), _certificates.Root);
        var (reviews, _) = await TlsPod.StartAsync("reviews", Issue(_certificates.Root, Spiffe("reviews")), _certificates.Root);
        await using var _impostor = impostor;
        await using var _reviews = reviews;
        using var client = Client(
            Router(Settings(Spiffe("reviews")), (impostor, true), (reviews, true)),
            MeshClients.Options(o => o.OutlierDetection.ConsecutiveFailures = 1));

        // Round robin starts at the impostor: its handshake fails, the retry goes to reviews; then it is ejected.
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal("reviews", await client.GetIdAsync(Uri));
        }

        await impostorConnections.WhenAtLeast(1).WaitAsync(Bound);
        Assert.Equal(1, impostorConnections.Value);
        Assert.Equal(0, impostor.Count);
        Assert.Equal(4, reviews.Count);
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("SAN mismatch", StringComparison.Ordinal)
            && e.Message.Contains(Spiffe("ratings"), StringComparison.Ordinal) && e.Message.Contains(Spiffe("reviews"), StringComparison.Ordinal));
        Assert.Contains(_log.Entries, e => e.Message.StartsWith($"Ejected endpoint 127.0.0.1:{impostor.Port}", StringComparison.Ordinal));
        Assert.Contains(_log.Entries, e => e.Message.StartsWith("Retrying GET", StringComparison.Ordinal) && e.Message.Contains("SAN mismatch", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("wrong SAN", "SAN mismatch: the peer certificate's SANs [Uri:spiffe://cluster.local/ns/default/sa/ratings] match none of the cluster's [Uri SAN='spiffe://cluster.local/ns/default/sa/reviews']")]
    [InlineData("untrusted CA", "untrusted chain: the peer certificate 'Uri:spiffe://cluster.local/ns/default/sa/reviews' (issuer 'O=cluster.local, CN=other mesh') does not chain to the mesh root")]
    [InlineData("expired", "expired: the peer certificate 'Uri:spiffe://cluster.local/ns/default/sa/reviews' expired at")]
    [InlineData("not yet valid", "not yet valid: the peer certificate 'Uri:spiffe://cluster.local/ns/default/sa/reviews' is valid from")]
    public async Task A_refused_handshake_is_a_secure_connection_failure_that_names_the_failed_check(string problem, string expected)
    {
        _certificates.WriteWorkload(Spiffe("productpage"));
        var now = DateTimeOffset.UtcNow;
        var certificate = problem switch
        {
            "wrong SAN" => Issue(_certificates.Root, Spiffe("ratings")),
            "untrusted CA" => Issue(CreateRoot("other mesh"), Spiffe("reviews")),
            "not yet valid" => Issue(_certificates.Root, Spiffe("reviews"), now.AddDays(1), now.AddDays(2)),
            _ => Issue(_certificates.Root, Spiffe("reviews"), now.AddDays(-2), now.AddDays(-1)),
        };
        var (pod, connections) = await TlsPod.StartAsync("reviews", certificate, _certificates.Root);
        await using var _pod = pod;
        using var client = Client(Router(Settings(Spiffe("reviews")), (pod, true)), MeshClients.NoRetries());

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(Uri).WaitAsync(Bound));

        Assert.Equal(HttpRequestError.SecureConnectionError, error.HttpRequestError);
        Assert.Contains($"mTLS to peer 127.0.0.1:{pod.Port} (SNI '{Sni}') refused: {expected}", error.Message, StringComparison.Ordinal);
        await connections.WhenAtLeast(1).WaitAsync(Bound);
        Assert.Equal(1, connections.Value);
        Assert.Equal(0, pod.Count);
    }

    [Fact]
    public async Task An_endpoint_without_the_istio_mark_in_the_same_service_gets_plaintext()
    {
        var workload = _certificates.WriteWorkload(Spiffe("productpage"));
        var (sidecar, _) = await TlsPod.StartAsync("with-sidecar", Issue(_certificates.Root, Spiffe("reviews")), _certificates.Root);
        await using var _sidecar = sidecar;
        await using var plain = await TestBackend.StartAsync("without-sidecar");
        using var client = Client(Router(Settings(Spiffe("reviews")), (sidecar, true), (plain, false)));

        using var first = await client.GetAsync(Uri).WaitAsync(Bound);
        using var second = await client.GetAsync(Uri).WaitAsync(Bound);

        Assert.Equal("with-sidecar", await first.Content.ReadAsStringAsync());
        Assert.Equal(workload.Thumbprint, Header(first, "X-Client-Certificate"));
        Assert.Equal("without-sidecar", await second.Content.ReadAsStringAsync());
        Assert.False(second.Headers.Contains("X-Client-Certificate"));
        Assert.Equal(1, plain.Count);
    }

    [Fact]
    public async Task The_workload_certificate_is_read_again_when_istio_agent_rewrites_its_files()
    {
        var first = _certificates.WriteWorkload(Spiffe("productpage"));
        var (pod, connections) = await TlsPod.StartAsync("reviews", Issue(_certificates.Root, Spiffe("reviews")), _certificates.Root);
        await using var _pod = pod;
        using var client = Client(Router(Settings(Spiffe("reviews")), (pod, true)));

        Assert.Equal(first.Thumbprint, await ClientCertificateOfNewConnectionAsync(client));
        var rotated = _certificates.WriteWorkload(Spiffe("productpage"));
        Assert.Equal(rotated.Thumbprint, await ClientCertificateOfNewConnectionAsync(client));
        Assert.Equal(rotated.Thumbprint, await ClientCertificateOfNewConnectionAsync(client));

        Assert.NotEqual(first.Thumbprint, rotated.Thumbprint);
        await connections.WhenAtLeast(3).WaitAsync(Bound);
        Assert.Equal(3, connections.Value);
        Assert.Equal(2, _log.Entries.Count(e => e.EventId.Id == 4200));
    }

    [Fact]
    public async Task Files_caught_between_two_writes_keep_the_last_good_certificate_and_no_output_shows_the_key()
    {
        var first = _certificates.WriteWorkload(Spiffe("productpage"));
        var (pod, _) = await TlsPod.StartAsync("reviews", Issue(_certificates.Root, Spiffe("reviews")), _certificates.Root);
        await using var _pod = pod;
        using var client = Client(Router(Settings(Spiffe("reviews")), (pod, true)));
        Assert.Equal(first.Thumbprint, await ClientCertificateOfNewConnectionAsync(client));

        // istio-agent has written the new key but not yet the new chain: the pair does not match.
        using var newKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await File.WriteAllTextAsync(_certificates.KeyFile, newKey.ExportPkcs8PrivateKeyPem());

        Assert.Equal(first.Thumbprint, await ClientCertificateOfNewConnectionAsync(client));
        var warning = Assert.Single(_log.Entries, e => e.EventId.Id == 4202);
        Assert.Contains($"the workload certificate chain '{_certificates.ChainFile}' and private key '{_certificates.KeyFile}' do not load", warning.Message, StringComparison.Ordinal);
        AssertNoKeyMaterial(_certificates.KeyText(), _log.Entries.Select(e => e.Message));
    }

    [Fact]
    public async Task Without_a_loadable_workload_certificate_the_call_fails_naming_the_file_and_never_its_contents()
    {
        _certificates.WriteWorkload(Spiffe("productpage"));
        var keyText = _certificates.KeyText();
        File.WriteAllText(_certificates.ChainFile, "not a certificate");
        var (pod, connections) = await TlsPod.StartAsync("reviews", Issue(_certificates.Root, Spiffe("reviews")), _certificates.Root);
        await using var _pod = pod;
        using var client = Client(Router(Settings(Spiffe("reviews")), (pod, true)), MeshClients.NoRetries());

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(Uri).WaitAsync(Bound));

        Assert.Equal(HttpRequestError.SecureConnectionError, error.HttpRequestError);
        Assert.Contains($"not attempted: the workload certificate chain '{_certificates.ChainFile}' and private key '{_certificates.KeyFile}' do not load", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, pod.Count);
        await connections.WhenAtLeast(1).WaitAsync(Bound);
        Assert.Equal(1, connections.Value);
        AssertNoKeyMaterial(keyText, _log.Entries.Select(e => e.Message).Concat(Messages(error)));
    }

    [Fact]
    public async Task A_sockets_handler_passed_in_keeps_its_connect_callback_and_gets_one_tls_layer_when_shared()
    {
        var workload = _certificates.WriteWorkload(Spiffe("productpage"));
        var (pod, _) = await TlsPod.StartAsync("reviews", Issue(_certificates.Root, Spiffe("reviews")), _certificates.Root);
        await using var _pod = pod;
        var own = 0;
        using var inner = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                Interlocked.Increment(ref own);
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        };
        var router = Router(Settings(Spiffe("reviews")), (pod, true));
        var options = new MeshOptions { Workload = _certificates.WorkloadOptions };
        using var first = new HttpMessageInvoker(MeshHttpHandler.Create(router, options, inner), disposeHandler: false);
        using var client = new HttpClient(MeshHttpHandler.Create(router, options, inner), disposeHandler: false);

        using var response = await client.GetAsync(Uri).WaitAsync(Bound);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(workload.Thumbprint, Header(response, "X-Client-Certificate"));
        Assert.Equal(1, Volatile.Read(ref own));
    }

    [Fact]
    public async Task Without_workload_certificate_files_a_tls_cluster_is_called_in_plaintext_as_before()
    {
        await using var plain = await TestBackend.StartAsync("plain");
        using var client = new HttpClient(MeshHttpHandler.Create(Router(Settings(Spiffe("reviews")), (plain, true)), new MeshOptions(), loggerFactory: _loggers));

        Assert.Equal("plain", await client.GetIdAsync(Uri));
    }

    internal static PeerTlsSettings Settings(params string[] identities) => new(
        Sni,
        ["istio-peer-exchange", "istio"],
        [.. identities.Select(id => new SubjectAltNameMatcher(SubjectAltNameType.Uri, StringMatchKind.Exact, id))],
        allEndpoints: false);

    internal static void AssertNoKeyMaterial(string keyText, IEnumerable<string> outputs)
    {
        var fragment = keyText[^40..];
        foreach (var output in outputs)
        {
            Assert.DoesNotContain("PRIVATE KEY", output, StringComparison.Ordinal);
            Assert.DoesNotContain(fragment, output, StringComparison.Ordinal);
        }
    }

    private static IEnumerable<string> Messages(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            yield return exception.Message;
        }
    }

    private static string Header(HttpResponseMessage response, string name) => string.Join(",", response.Headers.GetValues(name));

    private static MeshRouter Router(PeerTlsSettings tls, params (TestBackend Pod, bool IstioMark)[] endpoints)
    {
        var registry = new MeshRegistry();
        var host = MeshTestRegistry.Host("reviews");
        registry.Replace([new MeshCluster(
            $"outbound|{MeshTestRegistry.ServicePort}||{host}",
            [.. endpoints.Select(e => new MeshEndpoint("127.0.0.1", e.Pod.Port) { IstioTlsMode = e.IstioMark })])
        {
            PeerTls = tls,
        }]);
        return new MeshRouter(registry, options: MeshTestRegistry.InOrder());
    }

    private static async Task<string> ClientCertificateOfNewConnectionAsync(HttpClient client)
    {
        // Connection: close ends the pooled connection with the response, so the next call opens (and handshakes) anew.
        using var request = new HttpRequestMessage(HttpMethod.Get, Uri);
        request.Headers.ConnectionClose = true;
        using var response = await client.SendAsync(request).WaitAsync(Bound);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Header(response, "X-Client-Certificate");
    }

    private HttpClient Client(MeshRouter router, MeshOptions? options = null)
    {
        options ??= new MeshOptions();
        options.Workload = _certificates.WorkloadOptions;
        return new HttpClient(MeshHttpHandler.Create(router, options, loggerFactory: _loggers));
    }
}
