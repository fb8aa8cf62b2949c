using System.Collections.Concurrent;
using System.Net;
using MeshClient.EndToEnd.Tests.Http;
using MeshClient.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MeshClient.EndToEnd.Tests.Grpc;

/// <summary>
/// One pod of a gRPC service: a real Grpc.AspNetCore server (<see cref="PodService"/>) on Kestrel, HTTP/2 without TLS
/// on 127.0.0.1 and a free port. It answers with its name, counts the calls it received, records the metadata header
/// <see cref="RecordedHeader"/> of each, and can be killed (<see cref="KillAsync"/>).
/// </summary>
internal sealed class GrpcPod : IAsyncDisposable
{
    /// <summary>The metadata header each call's value of is recorded.</summary>
    public const string RecordedHeader = "x-user";

    /// <summary>The trailer of unary answers that names the pod.</summary>
    public const string PodTrailer = "x-pod";

    private WebApplication _app = null!;
    private readonly TaskCompletionSource _holdStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _holdEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _received;
    private int _connections;
    private int _failing;
    private int _killed;

    private GrpcPod(string name)
    {
        Name = name;
    }

    public string Name { get; }

    public int Port { get; private set; }

    /// <summary>How many calls reached the pod's service.</summary>
    public int Received => Volatile.Read(ref _received);

    /// <summary>How many connections (HTTP/2 connections: a client's subchannels) it accepted.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Whether its calls fail with UNAVAILABLE: unary and client-streaming ones trailers-only, as a pod that drains; streams after their first message.</summary>
    public bool Failing
    {
        get => Volatile.Read(ref _failing) != 0;
        set => Volatile.Write(ref _failing, value ? 1 : 0);
    }

    /// <summary>The value of <see cref="RecordedHeader"/> of each call, in arrival order (empty when absent).</summary>
    public ConcurrentQueue<string> Users { get; } = new();

    /// <summary>Completes when a <c>Hold</c> call has arrived.</summary>
    public Task HoldStarted => _holdStarted.Task;

    /// <summary>Completes when a <c>Hold</c> call ended, with why (the server saw its cancellation).</summary>
    public Task<string> HoldEnded => _holdEnded.Task;

    public static async Task<GrpcPod> StartAsync(string name)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        var pod = new GrpcPod(name);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.Use(next => connection =>
            {
                Interlocked.Increment(ref pod._connections);
                return next(connection);
            });
        }));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(pod);
        var app = builder.Build();
        pod._app = app;
        app.MapGrpcService<PodService>();
        await app.StartAsync().WaitAsync(MeshScenario.Bound);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        pod.Port = new Uri(address).Port;
        return pod;
    }

    /// <summary>The endpoint FakePilot serves for this pod, with its labels.</summary>
    public FakeEndpoint Endpoint(params (string Key, string Value)[] labels) =>
        new("127.0.0.1", Port) { Labels = labels.ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal) };

    /// <summary>Stops listening and closes its connections, as when the pod dies.</summary>
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

    internal void Record(string? user)
    {
        Interlocked.Increment(ref _received);
        Users.Enqueue(user ?? string.Empty);
    }

    internal void HoldBegan() => _holdStarted.TrySetResult();

    internal void HoldFinished(string why) => _holdEnded.TrySetResult(why);
}
