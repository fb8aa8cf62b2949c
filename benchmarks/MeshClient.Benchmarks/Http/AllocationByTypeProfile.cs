using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Net;
using MeshClient.Registry;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClient.Benchmarks.Http;

/// <summary>
/// Which types the mesh path allocates beyond the direct path, per request, over real sockets to a loopback Kestrel
/// backend: the runtime's sampled allocation events (one per ~100 KB allocated, carrying the type that crossed the
/// threshold and the bytes since the last one) summed by type, for N direct requests and N mesh requests, then
/// divided by N. Sampling makes each figure an estimate (about ±100 KB / N per type); the server's allocations are in
/// both runs alike. Run: <c>dotnet run -c Release --project benchmarks/MeshClient.Benchmarks -- --alloc-by-type [N]</c>.
/// </summary>
internal static class AllocationByTypeProfile
{
    private const int ServicePort = 9080;

    public static async Task RunAsync(int requests)
    {
        await using var backend = await LoopbackBackend.StartAsync(HttpProtocols.Http1, portCount: 1);
        var services = new ServiceCollection();
        services.AddSingleton(new MeshRegistry(new RegistrySnapshot(
            1,
            [new MeshCluster($"outbound|{ServicePort}||ratings.default.svc.cluster.local", [new MeshEndpoint("127.0.0.1", backend.Ports[0])])])));
        services.AddMeshDiscovery(options =>
        {
            options.Namespace = "default";
            options.Service.Name = "productpage";
        });
        static SocketsHttpHandler Primary() => new() { UseProxy = false, UseCookies = false, AllowAutoRedirect = false };
        services.AddHttpClient("direct").ConfigurePrimaryHttpMessageHandler(Primary);
        services.AddHttpClient("mesh").ConfigurePrimaryHttpMessageHandler(Primary).AddMeshRouting();
        await using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IHttpClientFactory>();
        using var direct = factory.CreateClient("direct");
        using var mesh = factory.CreateClient("mesh");
        var directUri = new Uri($"http://127.0.0.1:{backend.Ports[0]}/reviews/1");
        var meshUri = new Uri($"http://ratings:{ServicePort}/reviews/1");

        await SendManyAsync(direct, directUri, 2000);
        await SendManyAsync(mesh, meshUri, 2000);
        var directBytes = await SampleAsync(() => SendManyAsync(direct, directUri, requests));
        var meshBytes = await SampleAsync(() => SendManyAsync(mesh, meshUri, requests));

        var total = (Direct: directBytes.Values.Sum() / (double)requests, Mesh: meshBytes.Values.Sum() / (double)requests);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{requests} requests each, HTTP/1.1. Sampled bytes/request: direct {total.Direct:0}, mesh {total.Mesh:0}, difference {total.Mesh - total.Direct:0}"));
        Console.WriteLine("mesh-direct B/req | mesh B/req | direct B/req | type");
        foreach (var type in directBytes.Keys.Union(meshBytes.Keys)
            .Select(t => (Type: t, Direct: directBytes.GetValueOrDefault(t) / (double)requests, Mesh: meshBytes.GetValueOrDefault(t) / (double)requests))
            .OrderByDescending(t => Math.Abs(t.Mesh - t.Direct))
            .Take(40))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{type.Mesh - type.Direct,17:0.0} | {type.Mesh,10:0.0} | {type.Direct,12:0.0} | {type.Type}"));
        }
    }

    private static async Task<Dictionary<string, long>> SampleAsync(Func<Task> run)
    {
        using var listener = new AllocationTickListener();
        await run();
        return new Dictionary<string, long>(listener.BytesByType, StringComparer.Ordinal);
    }

    private static async Task SendManyAsync(HttpClient client, Uri uri, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri) { Version = HttpVersion.Version11 };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            response.EnsureSuccessStatusCode();
            _ = await response.Content.ReadAsByteArrayAsync();
        }
    }

    private sealed class AllocationTickListener : EventListener
    {
        private const int GCAllocationTickEventId = 10;
        private const EventKeywords GCKeyword = (EventKeywords)0x1;

        public ConcurrentDictionary<string, long> BytesByType { get; } = new(StringComparer.Ordinal);

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, EventLevel.Verbose, GCKeyword);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventId != GCAllocationTickEventId || eventData.PayloadNames is not { } names || eventData.Payload is not { } payload)
            {
                return;
            }

            var amountIndex = names.IndexOf("AllocationAmount64");
            var typeIndex = names.IndexOf("TypeName");
            if (amountIndex < 0 || typeIndex < 0)
            {
                return;
            }

            var amount = Convert.ToInt64(payload[amountIndex], CultureInfo.InvariantCulture);
            var type = payload[typeIndex] as string ?? "?";
            BytesByType.AddOrUpdate(type, amount, (_, sum) => sum + amount);
        }
    }
}
