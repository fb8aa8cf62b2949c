using System.Collections.Frozen;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MeshClient.Benchmarks.Http;

/// <summary>
/// One real Kestrel server on 127.0.0.1, plaintext, listening on several ports (one per endpoint the registry
/// names), that answers every request with the same small body and counts the requests each port received.
/// </summary>
internal sealed class LoopbackBackend : IAsyncDisposable
{
    /// <summary>The body of every answer.</summary>
    public static readonly byte[] Body = "{\"reviews\":[]}\n"u8.ToArray();

    private readonly WebApplication _app;
    private FrozenDictionary<int, int> _portIndex = FrozenDictionary<int, int>.Empty;
    private int[] _counts = [];

    private LoopbackBackend(WebApplication app) => _app = app;

    /// <summary>The bound ports, in listen order.</summary>
    public IReadOnlyList<int> Ports { get; private set; } = [];

    /// <summary>Starts Kestrel on <paramref name="portCount"/> free ports of 127.0.0.1 with <paramref name="protocols"/> (HTTP/2 only means prior knowledge).</summary>
    public static async Task<LoopbackBackend> StartAsync(HttpProtocols protocols, int portCount)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            for (var i = 0; i < portCount; i++)
            {
                kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = protocols);
            }
        });

        var app = builder.Build();
        var backend = new LoopbackBackend(app);
        app.Run(backend.AnswerAsync);
        await app.StartAsync();
        var ports = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Select(address => new Uri(address).Port)
            .ToArray();
        backend.Ports = ports;
        backend._counts = new int[ports.Length];
        backend._portIndex = ports.Select((port, index) => (port, index)).ToFrozenDictionary(p => p.port, p => p.index);
        return backend;
    }

    /// <summary>Requests received by each port (same order as <see cref="Ports"/>) since the last reset.</summary>
    public int[] Counts() => [.. _counts];

    public void ResetCounts() => Array.Clear(_counts);

    public async ValueTask DisposeAsync()
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(grace.Token);
        await _app.DisposeAsync();
    }

    private Task AnswerAsync(HttpContext context)
    {
        if (_portIndex.TryGetValue(context.Connection.LocalPort, out var index))
        {
            Interlocked.Increment(ref _counts[index]);
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = Body.Length;
        return response.Body.WriteAsync(Body, 0, Body.Length, context.RequestAborted);
    }
}
