using MeshClient.Registry;
using MeshClient.Tests.Routing;
using MeshClient.Xds;
using MeshClient.Xds.Protocol;
using MeshClient.Xds.Transport;
using Microsoft.Extensions.Logging;

namespace MeshClient.Tests.Xds.Transport;

/// <summary>
/// The real ADS client over the real <see cref="HttpGrpcTransport"/> to a FakePilot: a registry that reports every
/// error, a logger that keeps every line (exceptions too), and a clock for the reconnect backoff.
/// </summary>
internal sealed class PilotConnection : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;
    private readonly TaskCompletionSource<string> _firstError = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PilotConnection(GrpcTransportOptions options, TimeProvider clock)
    {
        Transport = new HttpGrpcTransport(options, new LoggerAdapter(Logger));
        Registry.StateChanged += (_, _) =>
        {
            if (Registry.LastError is { } error)
            {
                lock (Errors)
                {
                    Errors.Add(error);
                }

                _firstError.TrySetResult(error);
            }
        };
        var xds = new XdsClientOptions { PodName = "productpage-v1", PodNamespace = "default", InstanceIp = "10.0.0.5" };
        Client = new AdsClient(Transport, xds, Registry, clock, new LoggerAdapter(Logger), jitterSource: () => 0.5);
        _run = Client.RunAsync(_stop.Token);
    }

    public HttpGrpcTransport Transport { get; }

    public AdsClient Client { get; }

    public MeshRegistry Registry { get; } = new();

    public RecordingLogger Logger { get; } = new();

    /// <summary>Every error the registry reported, in order.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>Starts the client's loop against <paramref name="options"/>'s address.</summary>
    public static PilotConnection Start(GrpcTransportOptions options, TimeProvider? clock = null) => new(options, clock ?? TimeProvider.System);

    /// <summary>Waits for the first complete state.</summary>
    public Task SyncedAsync() => Registry.WaitForFirstSyncAsync(CancellationToken.None).WaitAsync(Bound);

    /// <summary>Waits for the first error the registry reports.</summary>
    public Task<string> FirstErrorAsync() => _firstError.Task.WaitAsync(Bound);

    /// <summary>Everything logged: messages and exceptions with their inner exceptions and stack traces.</summary>
    public string AllOutput() => string.Join('\n', Logger.Entries.Select(e => e.Message + "\n" + e.Exception));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(Bound);
        await Transport.DisposeAsync();
        _stop.Dispose();
    }

    private sealed class LoggerAdapter(RecordingLogger inner) : ILogger<AdsClient>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
