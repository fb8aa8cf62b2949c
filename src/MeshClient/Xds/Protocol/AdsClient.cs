using MeshClient.Diagnostics;
using MeshClient.Registry;
using MeshClient.Xds.Protos.Discovery;
using MeshClient.Xds.Transport;
using Microsoft.Extensions.Logging;

namespace MeshClient.Xds.Protocol;

/// <summary>
/// The ADS client: one long-lived aggregated discovery stream to Pilot that subscribes to clusters (CDS, wildcard)
/// and to the endpoints (EDS) of exactly the EDS clusters, and keeps <see cref="MeshRegistry"/> in step with them.
/// </summary>
/// <remarks>
/// <para>
/// Lifecycle: <see cref="RunAsync"/> is the long-lived loop (connect, subscribe, apply, reconnect) and returns when its
/// token is cancelled; a hosted service can await it directly. <see cref="Start"/> runs the same loop in the
/// background and <see cref="StopAsync"/> (or <see cref="DisposeAsync"/>) ends it. The client does not own the
/// transport and never disposes it. It runs at most once at a time.
/// </para>
/// <para>
/// Protocol: state of the world (<c>StreamAggregatedResources</c>, the default) or incremental
/// (<c>DeltaAggregatedResources</c>, v3 only; see AdsClient.Delta.cs). The first request of every stream carries the node; the CDS request is sent first (wildcard: no names),
/// then, when EDS names are known (after a reconnect), the EDS request. Each response is validated resource by resource
/// (gRFC A46): its valid resources apply; an invalid resource keeps its last good version (or stays absent); when all
/// are valid the response is ACKed (version and nonce echoed), otherwise NACKed (last fully accepted version, the new
/// nonce, error_detail INVALID_ARGUMENT naming every invalid resource and why). A response over a response-wide limit
/// of <see cref="XdsResourceLimits"/> is NACKed whole and nothing of it applies. Endpoints the client cannot call
/// (internal addresses, pipes) are skipped and logged once per kind. When a CDS response
/// changes the set of EDS names, the full sorted name list is re-sent before the CDS ACK. After a reconnect the last
/// ACKed versions are sent with empty nonces. Responses of a type URL the client did not subscribe to are ignored
/// (logged, neither ACKed nor NACKed), as Envoy does; the stream carries on.
/// </para>
/// <para>
/// On-demand EDS (<see cref="XdsClientOptions.OnDemandEndpoints"/>): EDS names are subscribed only for the clusters of
/// the services the router reports as used (<see cref="MeshRegistry.Demand"/>), and unsubscribed once unused for the
/// idle timeout.
/// </para>
/// <para>
/// Registry: a new snapshot is published only when its content changes. The state is Connecting until the first
/// sync; Synced once, on the current stream, a CDS response is applied and every EDS name has arrived or been
/// reported as not existing; Stale after a stream that had delivered data breaks (the last good data stays).
/// LastError holds the latest stream failure, rejected update or missing resource.
/// </para>
/// <para>
/// Reconnects wait with exponential backoff and jitter through the <see cref="TimeProvider"/>; after a stream that
/// received any response the backoff starts again from the initial delay.
/// </para>
/// </remarks>
internal sealed partial class AdsClient : IAsyncDisposable
{
    /// <summary>How long a failed write waits for the receive side to tell how the stream ended.</summary>
    internal static readonly TimeSpan WriteFailureGrace = TimeSpan.FromSeconds(5);

    private readonly IGrpcTransport _transport;
    private readonly MeshRegistry _registry;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<AdsClient> _logger;
    private readonly ReconnectBackoff _backoff;
    private readonly TimeSpan _doesNotExistTimeout;
    private readonly MeshMetrics? _metrics;
    private readonly string _methodPath;
    private readonly XdsSubscriptionState _clusters;
    private readonly XdsSubscriptionState _endpoints;
    private readonly XdsResourceCache _cache = new();
    private readonly XdsResourceLimits _limits;
    private readonly XdsProtocol _protocol;
    private readonly DeltaSubscriptionState _deltaClusters;
    private readonly DeltaSubscriptionState _deltaEndpoints;
    private readonly OnDemandEndpoints? _onDemand;
    private readonly HashSet<string> _skippedAddressKinds = new(StringComparer.Ordinal);
    private readonly object _lifecycleLock = new();
    private int _running;
    private CancellationTokenSource? _backgroundCts;
    private Task? _backgroundRun;
    private bool _disposed;

    /// <summary>Creates the client; it does nothing until <see cref="RunAsync"/> or <see cref="Start"/>.</summary>
    /// <param name="transport">The gRPC transport to Pilot (not owned).</param>
    /// <param name="options">The options; validated here and read once.</param>
    /// <param name="registry">The registry to keep up to date.</param>
    /// <param name="timeProvider">The clock for backoff delays and does-not-exist timers.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="identity">The node identity; resolved from <paramref name="options"/> and the environment when <see langword="null"/>.</param>
    /// <param name="jitterSource">Returns numbers in [0, 1) for the backoff jitter; <see cref="Random.Shared"/> when <see langword="null"/>.</param>
    /// <param name="metrics">Counts responses, ACKs, NACKs and reconnects; nothing is counted when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public AdsClient(
        IGrpcTransport transport,
        XdsClientOptions options,
        MeshRegistry registry,
        TimeProvider timeProvider,
        ILogger<AdsClient> logger,
        NodeIdentity? identity = null,
        Func<double>? jitterSource = null,
        MeshMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        options.ThrowIfInvalid();

        _transport = transport;
        _registry = registry;
        _timeProvider = timeProvider;
        _logger = logger;
        _metrics = metrics;
        Version = options.Version;
        Identity = identity ?? NodeIdentity.Resolve(options);
        _doesNotExistTimeout = options.ResourceDoesNotExistTimeout;
        _limits = options.Limits;
#pragma warning disable CA5394 // Jitter only spreads reconnects; it needs no cryptographic randomness.
        _backoff = ReconnectBackoff.FromOptions(options, jitterSource ?? (() => Random.Shared.NextDouble()));
#pragma warning restore CA5394
        _methodPath = XdsTypeUrls.AdsMethod(Version);
        _clusters = new XdsSubscriptionState(XdsTypeUrls.Cluster(Version));
        _endpoints = new XdsSubscriptionState(XdsTypeUrls.ClusterLoadAssignment(Version));
        _protocol = options.Protocol;
        _deltaClusters = new DeltaSubscriptionState(_clusters.TypeUrl, wildcard: true);
        _deltaEndpoints = new DeltaSubscriptionState(_endpoints.TypeUrl, wildcard: false);
        if (options.OnDemandEndpoints)
        {
            var firstWait = _doesNotExistTimeout == Timeout.InfiniteTimeSpan ? TimeSpan.FromSeconds(15) : _doesNotExistTimeout;
            _onDemand = new OnDemandEndpoints(timeProvider, options.OnDemandIdleTimeout, firstWait)
            {
                Changed = () => Volatile.Read(ref _streamEvents)?.TryWrite(AdsStreamEvent.OnDemandChanged()),
            };
            registry.Demand = _onDemand;
        }
    }

    /// <summary>Raised on the stream loop when a requested EDS resource has not arrived within the timeout while connected.</summary>
    public event EventHandler<XdsResourceDoesNotExistEventArgs>? ResourceDoesNotExist;

    /// <summary>The xDS version spoken.</summary>
    public XdsVersion Version { get; }

    /// <summary>The node identity sent to Pilot.</summary>
    public NodeIdentity Identity { get; }

    /// <summary>The registry this client updates.</summary>
    public MeshRegistry Registry => _registry;

    /// <summary>
    /// Runs the client until <paramref name="cancellationToken"/> is cancelled: connects, subscribes, applies updates
    /// and reconnects with backoff. Failures never end the loop; they are logged and recorded in the registry.
    /// </summary>
    /// <param name="cancellationToken">Ends the loop; the stream is cancelled.</param>
    /// <returns>A task that completes (successfully) after cancellation.</returns>
    /// <exception cref="InvalidOperationException">The client is already running.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("The ADS client is already running; it runs one stream loop at a time.");
        }

        try
        {
            var attempt = 0;
            var failures = 0;
            var failingSince = 0L;
            while (!cancellationToken.IsCancellationRequested)
            {
                attempt++;
                if (attempt == 1)
                {
                    Log.Connecting(_logger, _methodPath, attempt);
                }
                else
                {
                    Log.ConnectingAgain(_logger, _methodPath, attempt);
                }
                var outcome = _protocol == XdsProtocol.Delta
                    ? await RunDeltaStreamAsync(cancellationToken)
                    : await RunStreamAsync(cancellationToken);
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                if (outcome.ReceivedData)
                {
                    _backoff.Reset();
                    if (failures > ReconnectLogPolicy.IndividualLines)
                    {
                        Log.Recovered(_logger, failures);
                    }

                    failures = 0;
                }

                var error = outcome.Error ?? "The ADS stream ended.";
                _registry.SetConnectionState(_cache.HasClusters ? MeshConnectionState.Stale : MeshConnectionState.Connecting, error);
                var delay = _backoff.Next();
                failures++;
                if (failures == 1)
                {
                    failingSince = _timeProvider.GetTimestamp();
                }

                LogFailure(failures, failingSince, error, delay);

                _metrics?.XdsReconnect();
                try
                {
                    await Task.Delay(delay, _timeProvider, cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
            }
        }
        finally
        {
            Volatile.Write(ref _running, 0);
            Log.Stopped(_logger);
        }
    }

    /// <summary>Starts <see cref="RunAsync"/> in the background.</summary>
    /// <exception cref="InvalidOperationException">The client is already started.</exception>
    /// <exception cref="ObjectDisposedException">The client is disposed.</exception>
    public void Start()
    {
        lock (_lifecycleLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_backgroundRun is not null)
            {
                throw new InvalidOperationException("The ADS client is already started.");
            }

            var cts = new CancellationTokenSource();
            _backgroundCts = cts;
            _backgroundRun = Task.Run(() => RunAsync(cts.Token), CancellationToken.None);
        }
    }

    /// <summary>Stops the loop started by <see cref="Start"/> and waits for it to end. Does nothing when it is not running.</summary>
    /// <returns>A task that completes when the loop has ended.</returns>
    public async Task StopAsync()
    {
        Task? run;
        CancellationTokenSource? cts;
        lock (_lifecycleLock)
        {
            run = _backgroundRun;
            cts = _backgroundCts;
            _backgroundRun = null;
            _backgroundCts = null;
        }

        if (run is null || cts is null)
        {
            return;
        }

        try
        {
            await cts.CancelAsync();
            await run;
        }
        finally
        {
            cts.Dispose();
        }
    }

    /// <summary>Stops the background loop, if any.</summary>
    /// <returns>A task that completes when the loop has ended.</returns>
    public async ValueTask DisposeAsync()
    {
        lock (_lifecycleLock)
        {
            _disposed = true;
        }

        await StopAsync();
        if (_onDemand is not null)
        {
            if (ReferenceEquals(_registry.Demand, _onDemand))
            {
                _registry.Demand = null;
            }

            _onDemand.Dispose();
        }
    }

    private static string Describe(Exception exception) => exception switch
    {
        GrpcCallException grpc => DescribeCall(grpc),
        _ => $"{exception.GetType().Name}: {exception.Message}",
    };

    private readonly record struct StreamOutcome(bool ReceivedData, string? Error);
}
