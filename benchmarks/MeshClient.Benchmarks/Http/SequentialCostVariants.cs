using System.Net;
using MeshClient.Http;
using MeshClient.Registry;
using MeshClient.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace MeshClient.Benchmarks.Http;

/// <summary>
/// The clients of the sequential-cost ablation over one loopback Kestrel backend of three ports: direct (round robin
/// over the three endpoint URIs) and MeshClient handlers over the same primary <see cref="SocketsHttpHandler"/>
/// settings with one feature turned off at a time through the public options, so each part of a call's cost can be
/// told apart. Used by <see cref="HttpSequentialCostBenchmarks"/> and by <see cref="HttpCostRounds"/>.
/// </summary>
internal sealed class SequentialCostVariants : IAsyncDisposable
{
    private readonly LoopbackBackend _backend;
    private readonly HttpClient[] _clients;
    private readonly Uri[] _directUris;
    private readonly Uri _meshUri = new("http://details:9080/reviews/1");
    private readonly Version _version;
    private int _next;

    private SequentialCostVariants(LoopbackBackend backend, HttpProtocols protocol)
    {
        _backend = backend;
        _version = protocol == HttpProtocols.Http2 ? HttpVersion.Version20 : HttpVersion.Version11;
        var ports = backend.Ports;
        _directUris = [.. ports.Select(port => new Uri($"http://127.0.0.1:{port}/reviews/1"))];
        var registry = new MeshRegistry(new RegistrySnapshot(
            1,
            [new MeshCluster("outbound|9080||details.default.svc.cluster.local", [.. ports.Select(port => new MeshEndpoint("127.0.0.1", port))])]));
        var router = new MeshRouter(registry);
        _clients =
        [
            new HttpClient(HttpThroughMeshBenchmarks.CreatePrimaryHandler()),
            CreateMesh(router, _ => { }),
            CreateMesh(router, o => o.Routing.PreserveHostHeader = false),
            CreateMesh(router, o => o.Timeout = null),
            CreateMesh(router, o =>
            {
                o.Retry.Enabled = false;
                o.OutlierDetection.Enabled = false;
            }),
            CreateMesh(router, o =>
            {
                o.Timeout = null;
                o.Retry.Enabled = false;
                o.Routing.PreserveHostHeader = false;
                o.OutlierDetection.Enabled = false;
            }),
        ];
    }

    /// <summary>The variants, in the order of <see cref="SendAsync"/>'s index.</summary>
    public static readonly string[] Names =
    [
        "Direct",
        "MeshClient, defaults",
        "MeshClient, Host header not kept",
        "MeshClient, no timeout",
        "MeshClient, no retry, no ejection",
        "MeshClient, all four off",
    ];

    public static async Task<SequentialCostVariants> StartAsync(HttpProtocols protocol)
    {
        var variants = new SequentialCostVariants(await LoopbackBackend.StartAsync(protocol, portCount: 3), protocol);

        // Each variant spreads its calls evenly over the three endpoints, as the direct one does.
        for (var variant = 0; variant < Names.Length; variant++)
        {
            variants._backend.ResetCounts();
            for (var i = 0; i < 30; i++)
            {
                await variants.SendAsync(variant);
            }

            if (!variants._backend.Counts().SequenceEqual([10, 10, 10]))
            {
                throw new InvalidOperationException($"'{Names[variant]}' does not spread its calls over the three endpoints: [{string.Join(", ", variants._backend.Counts())}].");
            }
        }

        return variants;
    }

    /// <summary>One request of variant <paramref name="variant"/>, its body read as the benchmark's other clients do.</summary>
    public async Task<int> SendAsync(int variant)
    {
        var uri = variant == 0 ? _directUris[(uint)Interlocked.Increment(ref _next) % (uint)_directUris.Length] : _meshUri;
        using var request = new HttpRequestMessage(HttpMethod.Get, uri) { Version = _version, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await _clients[variant].SendAsync(request, HttpCompletionOption.ResponseContentRead);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsByteArrayAsync();
        return body.Length;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await _backend.DisposeAsync();
    }

    private static HttpClient CreateMesh(MeshRouter router, Action<MeshOptions> configure)
    {
        var options = new MeshOptions { Namespace = "default" };
        options.Service.Name = "productpage";
        configure(options);
        return new HttpClient(MeshHttpHandler.Create(router, options, HttpThroughMeshBenchmarks.CreatePrimaryHandler()));
    }
}
