using MeshClient;
using MeshClient.EndToEnd.Tests.Http;
using MeshClient.EndToEnd.Tests.Xds;
using MeshClient.Registry;
using MeshClient.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace MeshClient.EndToEnd.Tests.Grpc;

/// <summary>
/// A gRPC mesh on loopback: a <see cref="FakePilot"/> over real gRPC, <see cref="GrpcPod"/>s (real Grpc.AspNetCore
/// servers) that Pilot names as a service's endpoints, and a <see cref="Decoy"/>: a pod of the same service listening
/// where DNS resolves the host the http:// shapes call (<c>localhost:PORT</c>, with Pilot naming the service
/// <c>localhost</c> on that port), which must never receive a call. An app is a <see cref="MeshDiscovery"/> (console)
/// or a generic host with <c>AddMeshDiscovery</c>, both pointed at the Pilot. Every wait is bounded.
/// </summary>
internal sealed class GrpcMesh : IAsyncDisposable
{
    public static readonly TimeSpan Bound = MeshScenario.Bound;

    private readonly TestOutputLoggerProvider _logs;
    private readonly List<GrpcPod> _pods = [];
    private readonly List<IAsyncDisposable> _apps = [];
    private readonly DirectoryInfo _directory;

    private GrpcMesh(FakePilot pilot, GrpcPod decoy, TestOutputLoggerProvider logs, ILoggerFactory loggerFactory)
    {
        Pilot = pilot;
        Decoy = decoy;
        _logs = logs;
        LoggerFactory = loggerFactory;
        _directory = Directory.CreateTempSubdirectory("meshclient-e2e-grpc-");
    }

    public FakePilot Pilot { get; }

    /// <summary>Listens on 127.0.0.1 at the port of <see cref="DecoyAddress"/>: what DNS gives for the http:// shapes' host.</summary>
    public GrpcPod Decoy { get; }

    /// <summary><c>http://localhost:PORT</c>: DNS resolves it to <see cref="Decoy"/>; Pilot names other pods for it.</summary>
    public Uri DecoyAddress => new($"http://localhost:{Decoy.Port}");

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>The registry of the app started last.</summary>
    public MeshRegistry Registry { get; private set; } = null!;

    public static async Task<GrpcMesh> StartAsync(ITestOutputHelper output)
    {
        var logs = new TestOutputLoggerProvider(output);
        var loggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Information).AddFilter("Microsoft", LogLevel.Warning));
        var pilot = await FakePilot.StartAsync(new FakePilotOptions { LoggerFactory = loggerFactory }).WaitAsync(Bound);
        var decoy = await GrpcPod.StartAsync("decoy");
        return new GrpcMesh(pilot, decoy, logs, loggerFactory);
    }

    /// <summary>Starts pods that are stopped when the mesh is disposed.</summary>
    public async Task<GrpcPod[]> StartPodsAsync(params string[] names)
    {
        var pods = new GrpcPod[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            pods[i] = await GrpcPod.StartAsync(names[i]);
            _pods.Add(pods[i]);
        }

        return pods;
    }

    /// <summary>Has Pilot serve <paramref name="pods"/> as the endpoints of <c>localhost:DECOYPORT</c> (the decoy is not one of them).</summary>
    public void ServeAtDecoyAddress(params GrpcPod[] pods) =>
        Pilot.SetService("localhost", Decoy.Port, pods.Select(p => p.Endpoint()));

    /// <summary>Writes a file into the mesh's temp directory and returns its path.</summary>
    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>The app's options: Pilot's address, namespace <c>default</c>, service <c>productpage</c>, then <paramref name="configure"/>.</summary>
    public void Configure(MeshOptions options, Action<MeshOptions>? configure = null)
    {
        options.Pilot.Address = Pilot.Address.ToString();
        options.Pilot.ResourceTimeout = TimeSpan.FromDays(1);
        options.Namespace = "default";
        options.Service.Name = "productpage";
        configure?.Invoke(options);
    }

    /// <summary>Starts a console app's mesh client; it waits for Pilot's first state.</summary>
    public async Task<MeshDiscovery> StartConsoleAsync(Action<MeshOptions>? configure = null)
    {
        var options = new MeshOptions();
        Configure(options, configure);
        var mesh = await MeshDiscovery.StartAsync(options, LoggerFactory).WaitAsync(Bound);
        _apps.Add(mesh);
        Registry = mesh.Registry;
        return mesh;
    }

    /// <summary>Starts a generic host with <c>AddMeshDiscovery</c> and <paramref name="services"/>; it waits for Pilot's first state.</summary>
    public async Task<IHost> StartAppAsync(Action<IServiceCollection> services, Action<MeshOptions>? configure = null)
    {
        var builder = TestHost.CreateBuilder(_logs, _directory.FullName);
        builder.Services.AddMeshDiscovery(o => Configure(o, configure));
        services(builder.Services);
        var app = builder.Build();
        await app.StartAsync().WaitAsync(Bound);
        _apps.Add(new HostLifetime(app));
        Registry = app.Services.GetRequiredService<MeshRegistry>();
        return app;
    }

    /// <summary>Waits, bounded, until the registry holds what <paramref name="condition"/> wants.</summary>
    public static async Task WaitForRegistryAsync(MeshRegistry registry, Func<RegistrySnapshot, bool> condition, string what)
    {
        var met = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        EventHandler<RegistryChangedEventArgs> onChanged = (_, e) =>
        {
            if (condition(e.Current))
            {
                met.TrySetResult();
            }
        };
        registry.Changed += onChanged;
        try
        {
            if (condition(registry.Current))
            {
                return;
            }

            await met.Task.WaitAsync(Bound);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"Not reached within {Bound.TotalSeconds} s: {what}.", e);
        }
        finally
        {
            registry.Changed -= onChanged;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            for (var i = _apps.Count - 1; i >= 0; i--)
            {
                await _apps[i].DisposeAsync();
            }
        }
        finally
        {
            foreach (var pod in _pods)
            {
                await pod.DisposeAsync();
            }

            await Decoy.DisposeAsync();
            await Pilot.DisposeAsync();
            LoggerFactory.Dispose();
            _directory.Delete(recursive: true);
        }
    }

    private sealed class HostLifetime(IHost host) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => new(HostShutdown.StopAndDisposeAsync(host, Bound));
    }
}
