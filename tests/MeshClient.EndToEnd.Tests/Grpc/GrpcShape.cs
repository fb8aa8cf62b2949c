using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.ClientFactory;
using MeshClient;
using MeshClient.EndToEnd.Tests.Grpc.Proto;
using MeshClient.Http;
using Microsoft.Extensions.DependencyInjection;

namespace MeshClient.EndToEnd.Tests.Grpc;

/// <summary>Each documented way a user's gRPC client goes through the mesh.</summary>
public enum GrpcShape
{
    /// <summary><c>GrpcChannel.ForAddress("http://…", new() { HttpHandler = mesh.CreateHandler() })</c>.</summary>
    HttpHandler,

    /// <summary><c>GrpcChannel.ForAddress("http://…", new() { HttpClient = new HttpClient(mesh.CreateHandler()) })</c>.</summary>
    HttpClient,

    /// <summary><c>GrpcChannel.ForAddress("http://…", new() { HttpHandler = MeshHttpHandler.Create(router, options) })</c>.</summary>
    MeshHttpHandlerCreate,

    /// <summary><c>services.AddGrpcClient&lt;T&gt;(o =&gt; o.Address = new("http://…")).AddMeshRouting()</c>.</summary>
    GrpcClientFactoryWithMeshRouting,

    /// <summary><c>mesh.CreateGrpcChannel("xds:///…")</c> in a console app.</summary>
    XdsConsole,

    /// <summary><c>services.AddGrpcClient&lt;T&gt;(o =&gt; o.Address = new("xds:///…"))</c>.</summary>
    XdsGrpcClientFactory,

    /// <summary><c>GrpcChannel.ForAddress("xds:///…", new() { ServiceProvider = app.Services, Credentials = Insecure })</c>.</summary>
    XdsServiceProvider,
}

/// <summary>Builds a <see cref="Pods.PodsClient"/> of a shape against a <see cref="GrpcMesh"/>.</summary>
internal static class GrpcShapes
{
    public static TheoryData<GrpcShape> All => [.. Enum.GetValues<GrpcShape>()];

    public static TheoryData<GrpcShape> Xds => [GrpcShape.XdsConsole, GrpcShape.XdsGrpcClientFactory, GrpcShape.XdsServiceProvider];

    /// <summary>
    /// Starts the app of <paramref name="shape"/> against <paramref name="grpc"/>'s Pilot and returns a client of
    /// <paramref name="service"/> (<c>host:port</c>), as http:// or xds:/// as the shape says. The mesh disposes the app;
    /// the caller disposes the returned channel (when there is one).
    /// </summary>
    public static async Task<(Pods.PodsClient Client, IDisposable? Channel)> CreateAsync(
        GrpcMesh grpc,
        GrpcShape shape,
        string service,
        Action<MeshOptions>? configure = null)
    {
        var http = new Uri("http://" + service);
        var xds = new Uri("xds:///" + service);
        switch (shape)
        {
            case GrpcShape.HttpHandler:
            {
                var mesh = await grpc.StartConsoleAsync(configure);
                var channel = GrpcChannel.ForAddress(http, new GrpcChannelOptions { HttpHandler = mesh.CreateHandler(), DisposeHttpClient = true });
                return (new Pods.PodsClient(channel), channel);
            }

            case GrpcShape.HttpClient:
            {
                var mesh = await grpc.StartConsoleAsync(configure);
                var channel = GrpcChannel.ForAddress(http, new GrpcChannelOptions { HttpClient = new HttpClient(mesh.CreateHandler()), DisposeHttpClient = true });
                return (new Pods.PodsClient(channel), channel);
            }

            case GrpcShape.MeshHttpHandlerCreate:
            {
                var mesh = await grpc.StartConsoleAsync(configure);
                var options = new MeshOptions();
                grpc.Configure(options, configure);
                var channel = GrpcChannel.ForAddress(http, new GrpcChannelOptions { HttpHandler = MeshHttpHandler.Create(mesh.Router, options), DisposeHttpClient = true });
                return (new Pods.PodsClient(channel), channel);
            }

            case GrpcShape.GrpcClientFactoryWithMeshRouting:
            {
                var app = await grpc.StartAppAsync(s => s.AddGrpcClient<Pods.PodsClient>(o => o.Address = http).AddMeshRouting(), configure);
                return (app.Services.GetRequiredService<Pods.PodsClient>(), null);
            }

            case GrpcShape.XdsConsole:
            {
                var mesh = await grpc.StartConsoleAsync(configure);
                var channel = mesh.CreateGrpcChannel(xds.ToString());
                return (new Pods.PodsClient(channel), channel);
            }

            case GrpcShape.XdsGrpcClientFactory:
            {
                var app = await grpc.StartAppAsync(s => s.AddGrpcClient<Pods.PodsClient>(o => o.Address = xds), configure);
                return (app.Services.GetRequiredService<Pods.PodsClient>(), null);
            }

            case GrpcShape.XdsServiceProvider:
            {
                var app = await grpc.StartAppAsync(_ => { }, configure);
                var channel = GrpcChannel.ForAddress(xds, new GrpcChannelOptions { ServiceProvider = app.Services, Credentials = ChannelCredentials.Insecure });
                return (new Pods.PodsClient(channel), channel);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(shape), shape, null);
        }
    }

    /// <summary>Whether the shape is proxyless (an xds:/// channel).</summary>
    public static bool IsXds(GrpcShape shape) => shape is GrpcShape.XdsConsole or GrpcShape.XdsGrpcClientFactory or GrpcShape.XdsServiceProvider;
}
