using System.Net;
using MeshClient.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MeshClient.EndToEnd.Tests.Http;

/// <summary>
/// One pod of a service: a real Kestrel server on 127.0.0.1 and a free port that answers every request with its
/// name as the body, the Host header it received in <c>X-Received-Host</c>, and <see cref="Status"/> (200 unless a
/// test makes it fail). It counts what it received and can be killed (<see cref="KillAsync"/>).
/// </summary>
internal sealed class EchoBackend : IAsyncDisposable
{
    public const string ReceivedHostHeader = "X-Received-Host";

    private readonly WebApplication _app;
    private readonly TaskCompletionSource _firstRequest = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _received;
    private int _status = StatusCodes.Status200OK;
    private int _killed;

    private EchoBackend(string name, WebApplication app)
    {
        Name = name;
        _app = app;
    }

    /// <summary>The name it answers with, such as the subset (<c>v1</c>).</summary>
    public string Name { get; }

    public int Port { get; private set; }

    /// <summary>How many requests it has received.</summary>
    public int Received => Volatile.Read(ref _received);

    /// <summary>Completes when the first request arrives.</summary>
    public Task FirstRequest => _firstRequest.Task;

    /// <summary>The status it answers with.</summary>
    public int Status
    {
        get => Volatile.Read(ref _status);
        set => Volatile.Write(ref _status, value);
    }

    public static async Task<EchoBackend> StartAsync(string name)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1AndHttp2));
        var app = builder.Build();
        var backend = new EchoBackend(name, app);
        app.Run(backend.AnswerAsync);
        await app.StartAsync().WaitAsync(MeshScenario.Bound);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        backend.Port = new Uri(address).Port;
        return backend;
    }

    /// <summary>The endpoint FakePilot serves for this backend, with the pod's labels.</summary>
    public FakeEndpoint Endpoint(params (string Key, string Value)[] labels) =>
        new("127.0.0.1", Port) { Labels = labels.ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal) };

    /// <summary>Stops listening and closes its connections, as when the pod dies: connections are refused from now on.</summary>
    public async Task KillAsync()
    {
        if (Interlocked.Exchange(ref _killed, 1) == 0)
        {
            await _app.StopAsync().WaitAsync(MeshScenario.Bound);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        await _app.DisposeAsync();
    }

    private async Task AnswerAsync(HttpContext context)
    {
        Interlocked.Increment(ref _received);
        _firstRequest.TrySetResult();
        context.Response.StatusCode = Status;
        context.Response.Headers[ReceivedHostHeader] = context.Request.Headers.Host.ToString();
        await context.Response.WriteAsync(Name, context.RequestAborted);
    }
}
