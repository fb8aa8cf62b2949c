using Xunit.Abstractions;
using System.Net.Sockets;
using System.Text;
using MeshClient.Registry;
using MeshClient.Testing;
using MeshClient.Tests.Shared;
using MeshClient.Xds;
using MeshClient.Xds.Protocol;
using MeshClient.Xds.Transport;
using Microsoft.Extensions.Logging;

namespace MeshClient.EndToEnd.Tests.Xds;

/// <summary>
/// The whole discovery path over real loopback HTTP/2: a <see cref="FakePilot"/> on Kestrel, an
/// <see cref="HttpGrpcTransport"/> to it, an <see cref="AdsClient"/> on a <see cref="SignalingTimeProvider"/>, and the
/// <see cref="MeshRegistry"/> it fills. Every wait is bounded and driven by a signal (registry events, timer events,
/// FakePilot's recordings); the client's clock moves only when a test advances it.
/// </summary>
internal sealed class DiscoveryHarness : IAsyncDisposable
{
    /// <summary>The bound of every wait.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>Every reconnect waits exactly this long on the manual clock (no growth, no jitter).</summary>
    public static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    public const string PodName = "productpage-v1-6b746f74dc-9stvs";
    public const string PodNamespace = "bookinfo";
    public const string InstanceIp = "10.44.0.7";

    private readonly List<RegistryChangedEventArgs> _changes = [];
    private readonly ILoggerFactory _loggerFactory;
    private readonly TestOutputLoggerProvider _logs;
    private readonly SocketsHttpHandler? _countingHandler;
    private int _connections;

    private DiscoveryHarness(
        FakePilot pilot,
        XdsClientOptions options,
        ILoggerFactory loggerFactory,
        TestOutputLoggerProvider logs,
        bool countConnections,
        NodeIdentity? identity)
    {
        Pilot = pilot;
        Options = options;
        _loggerFactory = loggerFactory;
        _logs = logs;
        var transportOptions = new GrpcTransportOptions { Address = pilot.Address };
        if (countConnections)
        {
            _countingHandler = HttpGrpcTransport.CreateHandler(transportOptions);
            _countingHandler.ConnectCallback = ConnectAndCountAsync;
            transportOptions = new GrpcTransportOptions { Address = pilot.Address, HttpMessageHandler = _countingHandler };
        }

        Transport = new HttpGrpcTransport(transportOptions);
        Registry.Changed += (_, e) =>
        {
            lock (_changes)
            {
                _changes.Add(e);
            }
        };
        Client = new AdsClient(Transport, options, Registry, Time, loggerFactory.CreateLogger<AdsClient>(), identity);
    }

    public FakePilot Pilot { get; }

    public XdsClientOptions Options { get; }

    public SignalingTimeProvider Time { get; } = new();

    public MeshRegistry Registry { get; } = new();

    public HttpGrpcTransport Transport { get; }

    public AdsClient Client { get; }

    public XdsVersion Version => Options.Version;

    public string MethodPath => XdsTypeUrls.AdsMethod(Version);

    public string ClusterType => XdsTypeUrls.Cluster(Version);

    public string EndpointType => XdsTypeUrls.ClusterLoadAssignment(Version);

    /// <summary>The TCP connections the transport opened (only with <c>countConnections</c>).</summary>
    public int ConnectionCount => Volatile.Read(ref _connections);

    /// <summary>What the client (category <c>AdsClient</c>) and FakePilot logged so far.</summary>
    public IReadOnlyCollection<LogEntry> Logs => _logs.Entries;

    /// <summary>Every registry change so far, in order.</summary>
    public IReadOnlyList<RegistryChangedEventArgs> Changes
    {
        get
        {
            lock (_changes)
            {
                return [.. _changes];
            }
        }
    }

    /// <summary>The options every test starts from: a bookinfo productpage pod, no does-not-exist timer, 1 s reconnects.</summary>
    public static XdsClientOptions DefaultOptions(XdsVersion version) => new()
    {
        Version = version,
        PodName = PodName,
        PodNamespace = PodNamespace,
        InstanceIp = InstanceIp,
        Labels = new Dictionary<string, string> { ["app"] = "productpage", ["version"] = "v1" },
        ResourceDoesNotExistTimeout = Timeout.InfiniteTimeSpan,
        ReconnectInitialDelay = ReconnectDelay,
        ReconnectMultiplier = 1,
        ReconnectMaxDelay = ReconnectDelay,
        ReconnectJitter = 0,
    };

    /// <summary>Starts a FakePilot, lets <paramref name="serve"/> set what it serves, and starts the client against it.</summary>
    /// <param name="version">The xDS version the client speaks.</param>
    /// <param name="output">The test's output, for logs.</param>
    /// <param name="serve">Sets up the Pilot before the client connects.</param>
    /// <param name="configure">Changes the client options.</param>
    /// <param name="countConnections">Counts the TCP connections the transport opens (through a ConnectCallback).</param>
    /// <param name="identity">Replaces the node identity resolved from the options.</param>
    public static async Task<DiscoveryHarness> StartAsync(
        XdsVersion version,
        ITestOutputHelper output,
        Action<FakePilot>? serve = null,
        Action<XdsClientOptions>? configure = null,
        bool countConnections = false,
        Func<XdsClientOptions, NodeIdentity>? identity = null)
    {
        var logs = new TestOutputLoggerProvider(output);
        var loggerFactory = LoggerFactory.Create(builder => builder
            .AddProvider(logs)
            .SetMinimumLevel(LogLevel.Debug)
            .AddFilter("Microsoft", LogLevel.Warning));
        var pilot = await FakePilot.StartAsync(new FakePilotOptions { LoggerFactory = loggerFactory });
        serve?.Invoke(pilot);
        var options = DefaultOptions(version);
        configure?.Invoke(options);
        var harness = new DiscoveryHarness(pilot, options, loggerFactory, logs, countConnections, identity?.Invoke(options));
        harness.Client.Start();
        return harness;
    }

    /// <summary>Waits, bounded, until <paramref name="condition"/> holds; it is checked at each registry, state and timer event.</summary>
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

        EventHandler<RegistryChangedEventArgs> onChanged = (_, _) => Check();
        EventHandler onEvent = (_, _) => Check();
        Registry.Changed += onChanged;
        Registry.StateChanged += onEvent;
        Time.TimerChanged += onEvent;
        try
        {
            Check();
            await met.Task.WaitAsync(Bound);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"Not reached within {Bound.TotalSeconds} s: {what}.{Environment.NewLine}{Describe()}", ex);
        }
        finally
        {
            Registry.Changed -= onChanged;
            Registry.StateChanged -= onEvent;
            Time.TimerChanged -= onEvent;
        }
    }

    /// <summary>Waits for the first sync.</summary>
    public Task WaitForFirstSyncAsync() => WaitUntilAsync(() => Registry.HasSynced, "the first sync");

    /// <summary>Waits until the registry's connection state is <paramref name="state"/>.</summary>
    public Task WaitForStateAsync(MeshConnectionState state) => WaitUntilAsync(() => Registry.ConnectionState == state, $"connection state {state}");

    /// <summary>Waits for a request FakePilot recorded that matches <paramref name="predicate"/>.</summary>
    public Task<RecordedRequest> WaitForRequestAsync(Func<RecordedRequest, bool> predicate) => Pilot.WaitForRequestAsync(predicate, Bound);

    /// <summary>Waits for the ACK of the latest response of <paramref name="typeUrl"/> FakePilot sent, on any stream.</summary>
    public async Task<RecordedRequest> WaitForAckOfLatestAsync(string typeUrl)
    {
        var response = Pilot.Responses.Last(r => r.TypeUrl == typeUrl);
        return await WaitForRequestAsync(r => r.StreamId == response.StreamId && r.TypeUrl == typeUrl && r.ResponseNonce == response.Nonce && r.IsAck);
    }

    /// <summary>Waits until the client has armed its reconnect timer (the only timer on its clock here), then fires it.</summary>
    public async Task FireReconnectTimerAsync()
    {
        await WaitUntilAsync(() => Time.ArmedTimerCount == 1, "the reconnect backoff timer is armed");
        Time.Advance(ReconnectDelay);
    }

    /// <summary>What the registry and FakePilot saw, for failure messages.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.AppendLine($"Registry: {Registry.ConnectionState}, version {Registry.Version}, last error: {Registry.LastError ?? "none"}");
        foreach (var cluster in Registry.Current.Clusters.Values.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            text.AppendLine($"  {cluster.Name}: {string.Join(", ", cluster.Endpoints)}");
        }

        text.AppendLine($"Armed timers: {Time.ArmedTimerCount}. Requests FakePilot recorded:");
        foreach (var request in Pilot.Requests)
        {
            text.AppendLine($"  {request}");
        }

        text.AppendLine("Responses FakePilot sent:");
        foreach (var response in Pilot.Responses)
        {
            text.AppendLine($"  {response}");
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Client.StopAsync().WaitAsync(Bound);
        }
        finally
        {
            await Client.DisposeAsync();
            await Transport.DisposeAsync();
            _countingHandler?.Dispose();
            await Pilot.DisposeAsync();
            _loggerFactory.Dispose();
        }
    }

    private async ValueTask<Stream> ConnectAndCountAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            Interlocked.Increment(ref _connections);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
