using System.Net;
using Grpc.AspNetCore.Server.Model;
using MeshClient.Testing.Ads;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MeshClient.Testing.Hosting;

/// <summary>
/// A minimal Kestrel server on 127.0.0.1 (or a Unix domain socket) that speaks HTTP/2 only (plaintext with prior
/// knowledge, or TLS with ALPN when given a certificate) and serves the ADS methods through Grpc.AspNetCore. Stopping it
/// closes the listening socket, so connections are refused.
/// </summary>
internal sealed class KestrelAdsHost : IAsyncDisposable
{
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);
    private readonly WebApplication _app;

    private KestrelAdsHost(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>Starts listening.</summary>
    /// <param name="port">The port; 0 picks a free one.</param>
    /// <param name="options">TLS (server certificate, client certificates) and the Unix socket, if any.</param>
    /// <param name="loggerFactory">Where Kestrel and Grpc.AspNetCore log, or <see langword="null"/> for nowhere.</param>
    /// <param name="service">Serves the ADS calls.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<KestrelAdsHost> StartAsync(int port, FakePilotOptions options, ILoggerFactory? loggerFactory, AdsService service, CancellationToken cancellationToken)
    {
        if (options.UnixSocketPath is { } socketPath && File.Exists(socketPath))
        {
            File.Delete(socketPath);
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.Limits.MinResponseDataRate = null;
            if (options.UnixSocketPath is { } path)
            {
                kestrel.ListenUnixSocket(path, listen => listen.Protocols = HttpProtocols.Http2);
            }
            else
            {
                kestrel.Listen(IPAddress.Loopback, port, listen => Configure(listen, options));
            }
        });
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = ShutdownTimeout);
        builder.Services.AddGrpc(options =>
        {
            // As Pilot: no limit on what it sends, requests as large as a client may send them.
            options.MaxSendMessageSize = null;
            options.MaxReceiveMessageSize = null;
            options.EnableDetailedErrors = true;
        });
        builder.Services.AddSingleton(service);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<AdsService>, AdsServiceMethods>());
        if (loggerFactory is not null)
        {
            builder.Services.Replace(ServiceDescriptor.Singleton(loggerFactory));
        }

        var app = builder.Build();
        app.MapGrpcService<AdsService>();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        if (options.UnixSocketPath is not null)
        {
            return new KestrelAdsHost(app, 0);
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        var bound = new Uri(addresses.Single()).Port;
        return new KestrelAdsHost(app, bound);
    }

    private static void Configure(ListenOptions listen, FakePilotOptions options)
    {
        listen.Protocols = HttpProtocols.Http2;
        if (options.ServerCertificate is not { } certificate)
        {
            return;
        }

        var validation = options.ClientCertificateValidation;
        listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = certificate,
            ClientCertificateMode = options.RequireClientCertificate ? ClientCertificateMode.RequireCertificate : ClientCertificateMode.AllowCertificate,
            ClientCertificateValidation = (client, _, _) => validation?.Invoke(client) ?? true,
        });
    }

    /// <summary>Stops listening, closes the connections, and releases the server.</summary>
    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(ShutdownTimeout))
        {
            await _app.StopAsync(timeout.Token);
        }

        await _app.DisposeAsync();
    }
}
