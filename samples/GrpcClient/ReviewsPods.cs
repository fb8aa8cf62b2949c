using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MeshClient.Samples.GrpcClient;

/// <summary>Grpc.AspNetCore servers on loopback playing the reviews pods; each answers with its name.</summary>
internal sealed class ReviewsPods : IAsyncDisposable
{
    private readonly List<WebApplication> _apps = [];

    public Dictionary<string, int> Ports { get; } = new(StringComparer.Ordinal);

    public static async Task<ReviewsPods> StartAsync(params string[] names)
    {
        var pods = new ReviewsPods();
        foreach (var name in names)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
            builder.Services.AddGrpc();
            builder.Services.AddSingleton(new ReviewsPod(name));
            var app = builder.Build();
            app.MapGrpcService<ReviewsPod>();
            await app.StartAsync();
            pods._apps.Add(app);
            pods.Ports[name] = new Uri(app.Urls.First()).Port;
        }

        return pods;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }
    }

    private sealed class ReviewsPod(string name) : Reviews.ReviewsBase
    {
        public override Task<ReviewReply> Get(ReviewRequest request, ServerCallContext context) =>
            Task.FromResult(new ReviewReply { Pod = name });
    }
}
