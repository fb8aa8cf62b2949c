using System.Text;
using MeshClient;
using MeshClient.EndToEnd.Tests.Xds;
using MeshClient.Registry;
using MeshClient.Testing;
using MeshClient.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace MeshClient.EndToEnd.Tests.Http;

/// <summary>
/// An app wired the way a user wires it, against an in-process mesh: a <see cref="FakePilot"/> over real gRPC on
/// HTTP/2, <see cref="EchoBackend"/> pods on Kestrel, and a generic host with <c>AddMeshDiscovery(o =&gt; ...)</c>
/// pointed at the Pilot and <c>AddHttpClient("reviews", c =&gt; c.BaseAddress = new("http://reviews:9080")).AddMeshRouting()</c>.
/// The app's clock is a <see cref="SignalingTimeProvider"/> registered as the <see cref="TimeProvider"/> singleton, so
/// ejection times and reconnect backoff move only when a test advances it. Every wait is bounded and signal-driven.
/// </summary>
internal sealed class MeshScenario : IAsyncDisposable
{
    /// <summary>The bound of every wait.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>Every reconnect to Pilot waits at most this long on the manual clock (jitter only shortens it).</summary>
    public static readonly TimeSpan ReconnectBackoff = TimeSpan.FromSeconds(1);

    public const string ClientName = "reviews";

    public static readonly Uri ServiceAddress = new("http://reviews:9080");

    private readonly TestOutputLoggerProvider _logs;
    private readonly ILoggerFactory _loggerFactory;
    private readonly DirectoryInfo _directory;
    private readonly List<EchoBackend> _backends = [];
    private IHost? _app;

    private MeshScenario(FakePilot pilot, TestOutputLoggerProvider logs, ILoggerFactory loggerFactory, DirectoryInfo directory)
    {
        Pilot = pilot;
        _logs = logs;
        _loggerFactory = loggerFactory;
        _directory = directory;
    }

    public FakePilot Pilot { get; }

    public SignalingTimeProvider Time { get; } = new();

    /// <summary>The attempts the mesh handler of the <c>reviews</c> client sent.</summary>
    public AttemptLog Attempts { get; } = new();

    public IHost App => _app ?? throw new InvalidOperationException("The app is not started: call StartAppAsync.");

    public MeshRegistry Registry => App.Services.GetRequiredService<MeshRegistry>();

    /// <summary>What was logged so far (the app and FakePilot).</summary>
    public IReadOnlyCollection<LogEntry> Logs => _logs.Entries;

    public static async Task<MeshScenario> StartAsync(ITestOutputHelper output)
    {
        var logs = new TestOutputLoggerProvider(output);
        var loggerFactory = LoggerFactory.Create(builder => builder.AddProvider(logs).SetMinimumLevel(LogLevel.Information).AddFilter("Microsoft", LogLevel.Warning));
        var pilot = await FakePilot.StartAsync(new FakePilotOptions { LoggerFactory = loggerFactory }).WaitAsync(Bound);
        return new MeshScenario(pilot, logs, loggerFactory, Directory.CreateTempSubdirectory("meshclient-e2e-http-"));
    }

    /// <summary>Starts a backend that is stopped when the scenario is disposed.</summary>
    public async Task<EchoBackend> StartBackendAsync(string name)
    {
        var backend = await EchoBackend.StartAsync(name);
        _backends.Add(backend);
        return backend;
    }

    /// <summary>Writes a file (router.yaml, a DestinationRule) into the scenario's temp directory and returns its path.</summary>
    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>
    /// Builds and starts the app: the manual clock as the TimeProvider singleton (registered before
    /// <c>AddMeshDiscovery</c>), the mesh options (Pilot's address, namespace <c>default</c>, service
    /// <c>productpage</c>, 1 s reconnects, then <paramref name="configure"/>), and the <c>reviews</c> client with an
    /// <see cref="AttemptRecorder"/> inside the mesh handler. Start-up waits for the first state from Pilot.
    /// </summary>
    /// <param name="configure">Changes the mesh options after the defaults.</param>
    /// <param name="services">Adds more to the app's services (a typed client).</param>
    public async Task StartAppAsync(Action<MeshOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var builder = TestHost.CreateBuilder(_logs, _directory.FullName);
        builder.Services.AddSingleton<TimeProvider>(Time);
        builder.Services.AddMeshDiscovery(o =>
        {
            o.Pilot.Address = Pilot.Address.ToString();
            o.Pilot.ResourceTimeout = TimeSpan.FromDays(1);
            o.Pilot.ReconnectInitialBackoff = ReconnectBackoff;
            o.Pilot.ReconnectBackoffMultiplier = 1;
            o.Pilot.ReconnectMaxBackoff = ReconnectBackoff;
            o.Namespace = "default";
            o.Service.Name = "productpage";
            configure?.Invoke(o);
        });
        builder.Services.AddHttpClient(ClientName, c =>
            {
                c.BaseAddress = ServiceAddress;
                c.Timeout = Bound;
            })
            .AddMeshRouting()
            .AddHttpMessageHandler(() => new AttemptRecorder(Attempts));
        services?.Invoke(builder.Services);

        _app = builder.Build();
        await _app.StartAsync().WaitAsync(Bound);
        if (!Registry.HasSynced)
        {
            throw new InvalidOperationException("The app started without the first state from Pilot." + Environment.NewLine + Describe());
        }
    }

    /// <summary>The <c>reviews</c> client, from the app's IHttpClientFactory.</summary>
    public HttpClient CreateClient() => App.Services.GetRequiredService<IHttpClientFactory>().CreateClient(ClientName);

    /// <summary>Makes <paramref name="count"/> GET calls one after another and returns what answered each (the backend's name, or the failure).</summary>
    public async Task<IReadOnlyList<CallResult>> CallAsync(int count, Action<HttpRequestMessage>? prepare = null)
    {
        using var client = CreateClient();
        return await CallAsync(client, count, prepare);
    }

    /// <summary>Makes <paramref name="count"/> GET calls through <paramref name="client"/>, one after another.</summary>
    public static async Task<IReadOnlyList<CallResult>> CallAsync(HttpClient client, int count, Action<HttpRequestMessage>? prepare = null)
    {
        var results = new List<CallResult>(count);
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/reviews/1");
            prepare?.Invoke(request);
            try
            {
                using var response = await client.SendAsync(request).WaitAsync(Bound);
                var body = await response.Content.ReadAsStringAsync().WaitAsync(Bound);
                results.Add(new CallResult(i, body, (int)response.StatusCode, null));
            }
            catch (HttpRequestException e)
            {
                results.Add(new CallResult(i, null, null, e.GetType().Name + ": " + e.Message));
            }
        }

        return results;
    }

    /// <summary>Waits, bounded, until <paramref name="condition"/> holds; checked at each registry, connection-state and timer event.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var met = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check()
        {
            if (condition())
            {
                met.TrySetResult();
            }
        }

        var registry = Registry;
        EventHandler<RegistryChangedEventArgs> onChanged = (_, _) => Check();
        EventHandler onEvent = (_, _) => Check();
        registry.Changed += onChanged;
        registry.StateChanged += onEvent;
        Time.TimerChanged += onEvent;
        try
        {
            Check();
            await met.Task.WaitAsync(Bound);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"Not reached within {Bound.TotalSeconds} s: {what}.{Environment.NewLine}{Describe()}", e);
        }
        finally
        {
            registry.Changed -= onChanged;
            registry.StateChanged -= onEvent;
            Time.TimerChanged -= onEvent;
        }
    }

    /// <summary>What the registry holds, for failure messages.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        if (_app is not null)
        {
            var registry = Registry;
            text.AppendLine($"Registry: {registry.ConnectionState}, version {registry.Version}, last error: {registry.LastError ?? "none"}");
            foreach (var cluster in registry.Current.Clusters.Values.OrderBy(c => c.Name, StringComparer.Ordinal))
            {
                text.AppendLine($"  {cluster.Name}: {string.Join(", ", cluster.Endpoints)}");
            }
        }

        text.AppendLine($"Armed timers: {Time.ArmedTimerCount}. Pilot running: {Pilot.IsRunning}, streams: {Pilot.ConnectedStreamCount}.");
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_app is not null)
            {
                await HostShutdown.StopAndDisposeAsync(_app, Bound);
            }
        }
        finally
        {
            foreach (var backend in _backends)
            {
                await backend.DisposeAsync();
            }

            await Pilot.DisposeAsync();
            _loggerFactory.Dispose();
            _directory.Delete(recursive: true);
        }
    }
}
