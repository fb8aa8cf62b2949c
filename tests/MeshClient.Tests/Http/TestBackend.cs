using System.Collections.Concurrent;
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

namespace MeshClient.Tests.Http;

/// <summary>
/// A real Kestrel server on 127.0.0.1 and a free port (plaintext HTTP/1.1, or HTTP/2 with prior knowledge) that
/// records every request it receives and answers with its own id (body and X-Backend header) unless a test sets
/// another behaviour.
/// </summary>
internal sealed class TestBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();
    private volatile Func<HttpContext, TestBackend, Task>? _behaviour;
    private int _stopped;

    private TestBackend(string id, WebApplication app)
    {
        Id = id;
        _app = app;
    }

    public string Id { get; }

    public int Port { get; private set; }

    public IReadOnlyList<ReceivedRequest> Received => [.. _received];

    public int Count => _received.Count;

    /// <summary>Replaces how the backend answers (after recording the request); <see langword="null"/> answers with the id.</summary>
    public Func<HttpContext, TestBackend, Task>? Behaviour
    {
        get => _behaviour;
        set => _behaviour = value;
    }

    public static async Task<TestBackend> StartAsync(string id, HttpProtocols protocols = HttpProtocols.Http1, Action<ListenOptions>? listen = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null;

            // A pod behind a sidecar gets :scheme http over mTLS (Envoy forwards the caller's scheme); Kestrel
            // terminating the TLS itself refuses that unless told to accept it.
            kestrel.AllowAlternateSchemes = listen is not null;
            kestrel.Listen(IPAddress.Loopback, 0, options =>
            {
                options.Protocols = protocols;
                listen?.Invoke(options);
            });
        });

        var app = builder.Build();
        var backend = new TestBackend(id, app);
        app.Run(backend.HandleAsync);
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        backend.Port = new Uri(bound).Port;
        return backend;
    }

    public static Task<TestBackend[]> StartManyAsync(HttpProtocols protocols, params string[] ids) =>
        Task.WhenAll(ids.Select(id => StartAsync(id, protocols)));

    public static Task<TestBackend[]> StartManyAsync(params string[] ids) => StartManyAsync(HttpProtocols.Http1, ids);

    /// <summary>Answers with the id: 200, body = id, header X-Backend = id.</summary>
    public static async Task AnswerWithIdAsync(HttpContext context, TestBackend backend)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.Headers["X-Backend"] = backend.Id;
        await context.Response.WriteAsync(backend.Id, context.RequestAborted);
    }

    /// <summary>Answers every request with <paramref name="status"/> and the id.</summary>
    public static Func<HttpContext, TestBackend, Task> Status(int status) => async (context, backend) =>
    {
        context.Response.StatusCode = status;
        context.Response.Headers["X-Backend"] = backend.Id;
        await context.Response.WriteAsync(backend.Id, context.RequestAborted);
    };

    public int CountWhere(Func<ReceivedRequest, bool> predicate) => _received.Count(predicate);

    /// <summary>Stops listening: new connections are refused from now on, as when the process dies.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _app.StopAsync(grace.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string? body = null;
        if (request.ContentLength is > 0 && request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) != true)
        {
            using var reader = new StreamReader(request.Body);
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }

        _received.Enqueue(new ReceivedRequest(
            request.Method,
            request.Path + request.QueryString,
            request.Headers.Host.ToString(),
            request.Protocol,
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body));
        await (_behaviour ?? AnswerWithIdAsync)(context, this);
    }

    internal sealed record ReceivedRequest(string Method, string PathAndQuery, string Host, string Protocol, IReadOnlyDictionary<string, string> Headers, string? Body);
}
