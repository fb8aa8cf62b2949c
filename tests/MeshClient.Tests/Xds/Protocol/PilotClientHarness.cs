using MeshClient.Registry;
using MeshClient.Testing;
using MeshClient.Xds;
using MeshClient.Xds.Protocol;
using MeshClient.Xds.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshClient.Tests.Xds.Protocol;

/// <summary>
/// An <see cref="AdsClient"/> talking to a real <see cref="FakePilot"/> over loopback HTTP/2 through the real
/// <see cref="HttpGrpcTransport"/>; timers (does-not-exist, reconnect backoff, on-demand idle sweep) run on a
/// <see cref="TimerSignalingTimeProvider"/>. Waits are bounded in real time.
/// </summary>
internal sealed class PilotClientHarness : IAsyncDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stop = new();
    private HttpGrpcTransport? _transport;
    private XdsClientOptions? _options;
    private Task? _run;

    private PilotClientHarness(FakePilot pilot)
    {
        Pilot = pilot;
    }

    public FakePilot Pilot { get; }

    public TimerSignalingTimeProvider Time { get; } = new();

    public MeshRegistry Registry { get; } = new();

    public AdsClient Client { get; private set; } = null!;

    public static async Task<PilotClientHarness> StartPilotAsync() => new(await FakePilot.StartAsync());

    /// <summary>Starts the client against the FakePilot.</summary>
    public void StartClient(Action<XdsClientOptions> configure)
    {
        var options = new XdsClientOptions { PodName = "productpage-v1-123", PodNamespace = "default", InstanceIp = "10.0.0.5" };
        configure(options);
        _options = options;
        _transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = Pilot.Address });
        Client = new AdsClient(_transport, options, Registry, Time, NullLogger<AdsClient>.Instance, jitterSource: () => 0.5);
        _run = Client.RunAsync(_stop.Token);
    }

    /// <summary>
    /// After the stream ended, fires the client's reconnect backoff timers in turn (the client's own schedule, with the
    /// harness's jitter) until a request matching <paramref name="predicate"/> arrives: the first attempt may fail
    /// again (its pooled connection to a stopped FakePilot not yet seen closed), and the next waits a longer delay.
    /// </summary>
    public async Task<RecordedRequest> ReconnectAsync(Func<RecordedRequest, bool> predicate)
    {
        var backoff = ReconnectBackoff.FromOptions(_options!, () => 0.5);
        var request = WaitForRequestAsync(predicate);
        using var arrived = new CancellationTokenSource();
        while (true)
        {
            var delay = backoff.Next();
            var timer = Time.WaitForTimerAsync(delay, Bound, arrived.Token);
            if (await Task.WhenAny(request, timer) == request)
            {
                await arrived.CancelAsync();
                return await request;
            }

            await timer;
            Time.Advance(delay);
        }
    }

    /// <summary>Waits until the registry's current snapshot satisfies <paramref name="condition"/>.</summary>
    public async Task<RegistrySnapshot> WaitForRegistryAsync(Func<RegistrySnapshot, bool> condition, string what)
    {
        var changed = new SemaphoreSlim(0);
        void OnChanged(object? sender, EventArgs e) => changed.Release();
        Registry.Changed += OnChanged;
        Registry.StateChanged += OnChanged;
        try
        {
            using var bound = new CancellationTokenSource(Bound);
            while (true)
            {
                var current = Registry.Current;
                if (condition(current))
                {
                    return current;
                }

                try
                {
                    await changed.WaitAsync(bound.Token);
                }
                catch (OperationCanceledException)
                {
                    throw new TimeoutException($"The registry did not reach: {what} (version {Registry.Version}, {Registry.ConnectionState}, last error: {Registry.LastError}).");
                }
            }
        }
        finally
        {
            Registry.Changed -= OnChanged;
            Registry.StateChanged -= OnChanged;
        }
    }

    /// <summary>Waits until the registry is synced.</summary>
    public Task WaitForSyncedAsync() => WaitForRegistryAsync(_ => Registry.ConnectionState == MeshConnectionState.Synced, "Synced");

    public Task<RecordedRequest> WaitForRequestAsync(Func<RecordedRequest, bool> predicate) => Pilot.WaitForRequestAsync(predicate, Bound);

    public Task<RecordedResponse> WaitForResponseAsync(Func<RecordedResponse, bool> predicate) => Pilot.WaitForResponseAsync(predicate, Bound);

    public static int EndpointCount(RegistrySnapshot snapshot, string cluster) =>
        snapshot.Clusters.TryGetValue(cluster, out var found) ? found.Endpoints.Length : -1;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await _run.WaitAsync(Bound);
        }

        if (Client is not null)
        {
            await Client.DisposeAsync();
        }

        if (_transport is not null)
        {
            await _transport.DisposeAsync();
        }

        await Pilot.DisposeAsync();
        _stop.Dispose();
    }
}
