using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace MeshClient.Samples.Demo;

/// <summary>Three Kestrel servers on loopback playing the reviews v1, v2 and v3 pods; each answers with its version.</summary>
internal sealed class DemoBackends : IAsyncDisposable
{
    private readonly List<WebApplication> _apps = [];

    private DemoBackends()
    {
    }

    public IReadOnlyDictionary<string, int> Ports { get; private set; } = new Dictionary<string, int>();

    public static async Task<DemoBackends> StartAsync(IEnumerable<string> versions)
    {
        var backends = new DemoBackends();
        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var version in versions)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http1AndHttp2));
            var app = builder.Build();
            app.MapGet("/", () => Results.Text(version));
            await app.StartAsync();
            backends._apps.Add(app);
            ports[version] = new Uri(app.Urls.First()).Port;
        }

        backends.Ports = ports;
        return backends;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }
    }
}
