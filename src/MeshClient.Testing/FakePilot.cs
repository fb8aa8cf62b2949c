using System.Collections.Immutable;
using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using MeshClient.Testing.Ads;
using MeshClient.Testing.Hosting;
using MeshClient.Testing.Recording;
using MeshClient.Testing.Resources;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshClient.Testing;

/// <summary>
/// An in-process fake Istio Pilot (istiod) for tests: serves the xDS v2 and v3 Aggregated Discovery Service through
/// Grpc.AspNetCore on Kestrel (HTTP/2 plaintext) on a loopback port, with clusters and endpoints the test sets, and records what clients send.
/// </summary>
/// <remarks>
/// <para>
/// It behaves like Pilot: CDS is answered with every cluster (wildcard), EDS with the load assignments of the names
/// the stream subscribed to; requests with a stale nonce and NACKs are not answered; an ACK is answered only when the
/// subscribed names changed; a stream whose first request has no parseable node id (<c>sidecar~IP~ID~DOMAIN</c>) is
/// ended with INVALID_ARGUMENT. Every change (<see cref="SetService"/>, <see cref="RemoveService"/>,
/// <see cref="SetRawResources"/>, <see cref="Clear"/>) pushes CDS and EDS to every connected stream.
/// </para>
/// <para>
/// It serves incremental (delta) xDS too, <c>DeltaAggregatedResources</c> (v3), from the same state: a delta stream
/// subscribes CDS with <c>*</c> (or no names) and EDS by name, declares the versions it holds on its first request
/// (initial_resource_versions), and on each change gets only the resources whose version (a hash of their bytes) it
/// does not hold, with the names of those gone in removed_resources; a push that changes nothing for it sends nothing.
/// Recorded requests and responses of delta streams have <see cref="RecordedRequest.IsDelta"/> set.
/// </para>
/// <para>For failure tests it can drop streams, refuse streams, delay or hold responses, stop, and restart on the same port.</para>
/// </remarks>
public sealed partial class FakePilot : IAsyncDisposable
{
    /// <summary>The v2 ADS method path (Pilot 1.0 to 1.7).</summary>
    public const string AdsMethodV2 = "/envoy.service.discovery.v2.AggregatedDiscoveryService/StreamAggregatedResources";

    /// <summary>The v3 ADS method path (istiod 1.8 and later).</summary>
    public const string AdsMethodV3 = "/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources";

    /// <summary>The v2 cluster (CDS) type URL.</summary>
    public const string ClusterTypeUrlV2 = XdsTypeUrls.ClusterV2;

    /// <summary>The v3 cluster (CDS) type URL.</summary>
    public const string ClusterTypeUrlV3 = XdsTypeUrls.ClusterV3;

    /// <summary>The v2 ClusterLoadAssignment (EDS) type URL.</summary>
    public const string EndpointTypeUrlV2 = XdsTypeUrls.EndpointsV2;

    /// <summary>The v3 ClusterLoadAssignment (EDS) type URL.</summary>
    public const string EndpointTypeUrlV3 = XdsTypeUrls.EndpointsV3;

    /// <summary>How long, in real time, StopAsync and RestartAsync let clients read the UNAVAILABLE status before closing connections.</summary>
    internal static readonly TimeSpan StopGrace = TimeSpan.FromMilliseconds(250);

    private readonly ILoggerFactory? _loggerFactory;
    private readonly FakePilotOptions _listen;
    private readonly ILogger _logger;
    private readonly StreamCounter _streamCounter = new();
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly object _streamsGate = new();
    private readonly HashSet<AdsStream> _streams = [];
    private KestrelAdsHost? _host;
    private bool _accepting;
    private bool _disposed;
    private int _port;
    private int _lastStreamId;
    private long _lastVersion;
    private long _lastNonce;
    private long _responseDelayTicks;
    private volatile bool _refuseConnections;
    private volatile Func<string, CancellationToken, Task>? _responseGate;

    private FakePilot(FakePilotOptions options)
    {
        TimeProvider = options.TimeProvider ?? TimeProvider.System;
        _loggerFactory = options.LoggerFactory;
        _logger = (_loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<FakePilot>();
        ResponseDelay = options.ResponseDelay;
        _port = options.Port;
        _listen = options;
        RequiredToken = options.RequiredToken;
    }

    /// <summary>
    /// The address clients connect to: <c>http://127.0.0.1:PORT</c>, <c>https://127.0.0.1:PORT</c> with a
    /// <see cref="FakePilotOptions.ServerCertificate"/>, <c>unix:///PATH</c> with a <see cref="FakePilotOptions.UnixSocketPath"/>.
    /// It stays the same across <see cref="RestartAsync"/>.
    /// </summary>
    public Uri Address => _listen.UnixSocketPath is { } path
        ? new Uri("unix://" + path)
        : new(string.Create(CultureInfo.InvariantCulture, $"{(_listen.ServerCertificate is null ? "http" : "https")}://127.0.0.1:{_port}"));

    /// <summary>Whether it is listening (started and not stopped).</summary>
    public bool IsRunning => Volatile.Read(ref _host) is not null;

    /// <summary>The number of streams open now.</summary>
    public int ConnectedStreamCount => _streamCounter.Count;

    /// <summary>
    /// When <see langword="true"/>, new streams are answered at once with grpc-status UNAVAILABLE (open streams stay).
    /// To refuse TCP connections instead, use <see cref="StopAsync"/>.
    /// </summary>
    public bool RefuseConnections
    {
        get => _refuseConnections;
        set => _refuseConnections = value;
    }

    /// <summary>How long each response waits before it is built and sent, on the options' <see cref="FakePilotOptions.TimeProvider"/>; zero for none.</summary>
    public TimeSpan ResponseDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _responseDelayTicks));
        set => Interlocked.Exchange(ref _responseDelayTicks, value.Ticks);
    }

    /// <summary>
    /// Awaited before each response is built and sent (after <see cref="ResponseDelay"/>), with the response's type URL
    /// (empty for <see cref="SendRawMessageAsync"/>) and a token cancelled when the stream ends. A test holds responses
    /// by returning a task it completes later. <see langword="null"/> (the default) for none.
    /// </summary>
    public Func<string, CancellationToken, Task>? ResponseGate
    {
        get => _responseGate;
        set => _responseGate = value;
    }

    internal TimeProvider TimeProvider { get; }

    internal ResourceStore Store { get; } = new();

    /// <summary>Starts a FakePilot listening on 127.0.0.1.</summary>
    /// <param name="options">The options; <see langword="null"/> for a free port, the system clock and no logging.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running FakePilot; dispose it to stop it.</returns>
    public static async Task<FakePilot> StartAsync(FakePilotOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new FakePilotOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, 65535, nameof(options));
        var pilot = new FakePilot(options);
        try
        {
            await pilot.StartCoreAsync(cancellationToken);
        }
        catch
        {
            await pilot.DisposeAsync();
            throw;
        }

        return pilot;
    }

    /// <summary>
    /// Pushes every type each stream subscribed to again (a full push, new version and nonce) even when nothing changed.
    /// </summary>
    /// <returns>Completes when the responses were sent (or their streams ended); it waits for <see cref="ResponseDelay"/> and <see cref="ResponseGate"/>.</returns>
    public Task PushAsync() => PushToAllStreams();

    /// <summary>
    /// Pushes an EDS response that holds only <paramref name="clusterNames"/>, to each stream that subscribed to some of
    /// them (only those it subscribed to), as Pilot does for an endpoint change.
    /// </summary>
    /// <param name="clusterNames">The clusters to send.</param>
    /// <returns>Completes when the responses were sent (or their streams ended); it waits for <see cref="ResponseDelay"/> and <see cref="ResponseGate"/>.</returns>
    public Task PushEndpointsAsync(params string[] clusterNames)
    {
        ArgumentNullException.ThrowIfNull(clusterNames);
        ImmutableArray<string> names = [.. clusterNames];
        return Task.WhenAll(ActiveStreams().SelectMany(s => s.EnqueuePartialEndpoints(names)));
    }

    /// <summary>
    /// Sends one DiscoveryResponse of <paramref name="typeUrl"/> with <paramref name="resources"/> to every stream,
    /// whether or not it subscribed to the type (for unknown type URLs and unrequested resources). It gets a new
    /// version and nonce; the nonce becomes the type's latest.
    /// </summary>
    /// <param name="typeUrl">The response's type URL.</param>
    /// <param name="resources">The resources, sent verbatim.</param>
    /// <returns>Completes when the responses were sent (or their streams ended).</returns>
    public Task SendRawResponseAsync(string typeUrl, IEnumerable<Any> resources)
    {
        ArgumentNullException.ThrowIfNull(typeUrl);
        ArgumentNullException.ThrowIfNull(resources);
        ImmutableArray<Any> list = [.. resources];
        return Task.WhenAll(ActiveStreams().Select(s => s.Enqueue(OutboundItem.RawResponse(typeUrl, list))));
    }

    /// <summary>Sends one gRPC message holding <paramref name="message"/> (any bytes, such as an unparseable response) to every stream.</summary>
    /// <param name="message">The message bytes, without the gRPC prefix.</param>
    /// <returns>Completes when the messages were sent (or their streams ended).</returns>
    public Task SendRawMessageAsync(ReadOnlyMemory<byte> message) =>
        Task.WhenAll(ActiveStreams().Select(s => s.Enqueue(OutboundItem.RawMessage(message.ToArray()))));

    /// <summary>Ends every open stream; new streams are accepted as before.</summary>
    /// <param name="reset">
    /// <see langword="false"/> (the default) ends each with grpc-status UNAVAILABLE, as a Pilot closing streams does;
    /// <see langword="true"/> resets each HTTP/2 stream (RST_STREAM), as a broken connection looks.
    /// </param>
    /// <returns>Completes when the streams' handlers have finished.</returns>
    public Task DropStreamsAsync(bool reset = false) =>
        EndStreamsAsync(ActiveStreams(), reset ? StreamEndMode.Reset : StreamEndMode.Unavailable);

    /// <summary>
    /// Ends every stream with UNAVAILABLE, gives clients a moment (in real time) to read it, and stops listening:
    /// connections to <see cref="Address"/> are refused until <see cref="RestartAsync"/>. Recorded requests and the
    /// served resources are kept.
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting to stop.</param>
    /// <returns>Completes when it no longer listens.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _lifecycle.WaitAsync(cancellationToken);
        try
        {
            await StopCoreAsync();
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Stops (when running) and starts again on the same port, keeping the served resources and the recordings.</summary>
    /// <param name="cancellationToken">Cancels the restart.</param>
    /// <returns>Completes when it listens again.</returns>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _lifecycle.WaitAsync(cancellationToken);
        try
        {
            await StopCoreAsync();
            await StartCoreAsync(cancellationToken);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Waits until exactly <paramref name="count"/> streams are open (returns at once when they are).</summary>
    /// <param name="count">The number of open streams.</param>
    /// <param name="timeout">How long to wait, in real time.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="TimeoutException">The count was not reached in time.</exception>
    public Task WaitForConnectionCountAsync(int count, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        _streamCounter.WaitAsync(count, timeout, cancellationToken);

    /// <summary>Stops listening and ends every stream.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        await _lifecycle.WaitAsync();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await StopCoreAsync();
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    internal string NextVersion() => Interlocked.Increment(ref _lastVersion).ToString(CultureInfo.InvariantCulture);

    internal string NextNonce() => "nonce-" + Interlocked.Increment(ref _lastNonce).ToString(CultureInfo.InvariantCulture);

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        var host = await KestrelAdsHost.StartAsync(_port, _listen, _loggerFactory, new AdsService(this), cancellationToken);
        _port = host.Port;
        lock (_streamsGate)
        {
            _accepting = true;
        }

        Volatile.Write(ref _host, host);
        LogStarted(_logger, Address);
    }

    private async Task StopCoreAsync()
    {
        var host = Volatile.Read(ref _host);
        if (host is null)
        {
            return;
        }

        AdsStream[] streams;
        lock (_streamsGate)
        {
            _accepting = false;
            streams = [.. _streams];
        }

        await EndStreamsAsync(streams, StreamEndMode.Stopping);
        if (streams.Length > 0 && !_disposed)
        {
            // The status is on the wire, but a Grpc.Net.Client call that has not read it yet loses it when the
            // connection closes (it reports "server closed the connection"): its request side is still open.
            // A graceful server gives clients a moment, as FakePilot does here in real time.
            await Task.Delay(StopGrace, TimeProvider.System);
        }

        await host.DisposeAsync();
        Volatile.Write(ref _host, null);
        LogStopped(_logger, Address);
    }
}
