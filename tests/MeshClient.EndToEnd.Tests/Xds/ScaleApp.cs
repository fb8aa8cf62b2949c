using MeshClient.EndToEnd.Tests.Http;
using MeshClient.Registry;
using MeshClient.Tests.Shared;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MeshClient.EndToEnd.Tests.Xds;

/// <summary>
/// An app wired the way a user wires it, for the mesh-scale tests: a generic host with <c>Mesh:Pilot:XdsProtocol</c>
/// in its configuration, <c>AddMeshDiscovery(configuration.GetSection("Mesh"), ...)</c> pointed at FakePilot, and
/// one <c>AddHttpClient(name, ...).AddMeshRouting()</c> per called service, each with a
/// <see cref="CallAttemptRecorder"/> inside the mesh handler. Its clock is a <see cref="SignalingTimeProvider"/> that
/// no test moves (no timer of the client fires). Every wait is bounded and driven by registry events.
/// </summary>
internal sealed class ScaleApp : IAsyncDisposable
{
    /// <summary>The bound of every wait and call: generous, the machine is loaded.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly IHost _host;
    private readonly DirectoryInfo _directory;

    private ScaleApp(IHost host, DirectoryInfo directory)
    {
        _host = host;
        _directory = directory;
    }

    public MeshRegistry Registry => _host.Services.GetRequiredService<MeshRegistry>();

    /// <summary>Builds and starts the app; start-up waits for the first state from Pilot.</summary>
    /// <param name="pilotAddress">FakePilot's address.</param>
    /// <param name="protocol">The xDS protocol, set as <c>Mesh:Pilot:XdsProtocol</c>.</param>
    /// <param name="logs">Where the app logs.</param>
    /// <param name="clients">The named HttpClients, each with the base address of the service it calls.</param>
    public static async Task<ScaleApp> StartAsync(Uri pilotAddress, XdsProtocol protocol, TestOutputLoggerProvider logs, IReadOnlyDictionary<string, Uri> clients)
    {
        var directory = Directory.CreateTempSubdirectory("meshclient-e2e-scale-");
        var builder = TestHost.CreateBuilder(logs, directory.FullName);
        builder.Configuration["Mesh:Pilot:Address"] = pilotAddress.ToString();
        builder.Configuration["Mesh:Pilot:XdsProtocol"] = protocol.ToString();
        builder.Configuration["Mesh:Namespace"] = "default";
        builder.Services.AddSingleton<TimeProvider>(new SignalingTimeProvider());
        builder.Services.AddMeshDiscovery(builder.Configuration.GetSection("Mesh"), o =>
        {
            o.Service.Name = "productpage";
            o.Pilot.ResourceTimeout = TimeSpan.FromDays(1);
        });
        foreach (var (name, baseAddress) in clients)
        {
            builder.Services.AddHttpClient(name, c =>
                {
                    c.BaseAddress = baseAddress;
                    c.Timeout = Bound;
                })
                .AddMeshRouting()
                .AddHttpMessageHandler(() => new CallAttemptRecorder());
        }

        var host = builder.Build();
        var app = new ScaleApp(host, directory);
        try
        {
            await host.StartAsync().WaitAsync(Bound);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }

    /// <summary>A named client, from the app's IHttpClientFactory.</summary>
    public HttpClient CreateClient(string name) => _host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(name);

    /// <summary>
    /// Waits, bounded, until the registry's current snapshot satisfies <paramref name="condition"/>; checked now and at
    /// each registry event. When it returns, the snapshot that satisfied it was (and a later one may be) current.
    /// </summary>
    public async Task WaitUntilAsync(Func<RegistrySnapshot, bool> condition, string what, Func<string> describe)
    {
        var registry = Registry;
        var met = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            if (condition(registry.Current))
            {
                met.TrySetResult();
            }
        }

        EventHandler<RegistryChangedEventArgs> onChanged = (_, _) => Check();
        EventHandler onState = (_, _) => Check();
        registry.Changed += onChanged;
        registry.StateChanged += onState;
        try
        {
            Check();
            await met.Task.WaitAsync(Bound);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"Not reached within {Bound.TotalSeconds} s: {what}. Registry: {registry.ConnectionState}, version {registry.Version}, last error: {registry.LastError ?? "none"}.{Environment.NewLine}{describe()}", e);
        }
        finally
        {
            registry.Changed -= onChanged;
            registry.StateChanged -= onState;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await HostShutdown.StopAndDisposeAsync(_host, Bound);
        }
        finally
        {
            _directory.Delete(recursive: true);
        }
    }
}
