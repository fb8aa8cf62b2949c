using System.Net;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using MeshClient.Xds.Protos.Discovery;
using MeshClient.Xds.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace MeshClient.Tests.Xds.Transport;

/// <summary>
/// A real Grpc.AspNetCore server on Kestrel (127.0.0.1, a free port, plaintext HTTP/2 only) serving the v3 and v2 ADS
/// methods with one test handler. Messages are bytes (pass-through marshallers), so a handler may send anything.
/// </summary>
internal sealed class GrpcTestServer : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly WebApplication _app;

    private GrpcTestServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>Handles one call.</summary>
    public delegate Task Handler(IAsyncStreamReader<byte[]> requests, IServerStreamWriter<byte[]> responses, ServerCallContext context);

    /// <summary>The server's address, http://127.0.0.1:PORT.</summary>
    public Uri Address { get; }

    /// <summary>The same server as a grpc:// address.</summary>
    public Uri GrpcAddress => new($"grpc://127.0.0.1:{Address.Port}");

    public static async Task<GrpcTestServer> StartAsync(Handler handler)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(options => options.MaxSendMessageSize = null);
        builder.Services.AddSingleton(new TestService(handler));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<TestService>, TestServiceMethods>());
        var app = builder.Build();
        app.MapGrpcService<TestService>();
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new GrpcTestServer(app, new Uri($"http://127.0.0.1:{new Uri(bound).Port}"));
    }

    public async ValueTask DisposeAsync()
    {
        // Graceful shutdown waits for running handlers; the bound only matters when a test left one hanging.
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(grace.Token);
        await _app.DisposeAsync();
    }

    public static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static TaskCompletionSource<T> NewSignal<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Waits (bounded) until the client cancels or resets the call, and reports it.</summary>
    public static async Task WaitForAbortAsync(ServerCallContext context, TaskCompletionSource aborted)
    {
        var signal = NewSignal();
        using var registration = context.CancellationToken.Register(() => signal.TrySetResult());
        await signal.Task.WaitAsync(Bound);
        aborted.TrySetResult();
    }

    /// <summary>Reads the next request (bounded).</summary>
    public static async Task<DiscoveryRequest?> ReadRequestAsync(IAsyncStreamReader<byte[]> requests) =>
        await requests.MoveNext().WaitAsync(Bound) ? DiscoveryRequest.Parser.ParseFrom(requests.Current) : null;

    /// <summary>Writes one response.</summary>
    public static Task WriteAsync(IServerStreamWriter<byte[]> responses, DiscoveryResponse response) => responses.WriteAsync(response.ToByteArray());

    /// <summary>Resets the HTTP/2 stream with an error code (RST_STREAM).</summary>
    public static void Reset(ServerCallContext context, int http2ErrorCode) =>
        context.GetHttpContext().Features.GetRequiredFeature<IHttpResetFeature>().Reset(http2ErrorCode);

    private sealed class TestService(Handler handler)
    {
        public Task ServeAsync(IAsyncStreamReader<byte[]> requests, IServerStreamWriter<byte[]> responses, ServerCallContext context) =>
            handler(requests, responses, context);
    }

    private sealed class TestServiceMethods : IServiceMethodProvider<TestService>
    {
        private static readonly Marshaller<byte[]> PassThrough = Marshallers.Create(static (byte[] bytes) => bytes, static bytes => bytes);

        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TestService> context)
        {
            foreach (var path in new[] { HttpGrpcTransport.AdsMethodV3, HttpGrpcTransport.AdsMethodV2 })
            {
                var parts = path.Split('/');
                var method = new Method<byte[], byte[]>(MethodType.DuplexStreaming, parts[1], parts[2], PassThrough, PassThrough);
                context.AddDuplexStreamingMethod(method, [], (service, requests, responses, call) => service.ServeAsync(requests, responses, call));
            }
        }
    }
}
