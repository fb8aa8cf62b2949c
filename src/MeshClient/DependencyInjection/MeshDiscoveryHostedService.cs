using MeshClient.Diagnostics;
using MeshClient.Registry;
using MeshClient.Xds.Protocol;
using MeshClient.Xds.Transport;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MeshClient.DependencyInjection;

/// <summary>
/// Opens the ADS stream to Pilot when the host starts and closes it when the host stops. Start-up waits for the
/// first complete state at most <see cref="MeshPilotOptions.InitialSyncTimeout"/>, then goes on and serves what
/// arrives later: it never hangs when Pilot is down. In Sidecar mode it only checks the routing files. Disposes
/// synchronously too, so a plain <c>ServiceProvider</c> in a <c>using</c> statement can dispose it.
/// </summary>
internal sealed partial class MeshDiscoveryHostedService : IHostedService, IAsyncDisposable, IDisposable
{
    private readonly MeshOptions _options;
    private readonly MeshRegistry _registry;
    private readonly MeshRoutingRuntime _routing;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly MeshMetrics? _metrics;
    private HttpGrpcTransport? _transport;
    private AdsClient? _client;
    private int _warned;

    public MeshDiscoveryHostedService(
        MeshOptions options,
        MeshRegistry registry,
        MeshRoutingRuntime routing,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        MeshMetrics? metrics = null)
    {
        _metrics = metrics;
        _options = options;
        _registry = registry;
        _routing = routing;
        _timeProvider = timeProvider;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<MeshDiscoveryHostedService>();
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _warned, 1) == 0)
        {
            foreach (var warning in _options.ConfigurationWarnings)
            {
                LogUnknownOption(_logger, warning);
            }
        }

        _ = _routing.Router;
        if (_options.Mode != MeshMode.Pilot || _client is not null)
        {
            return;
        }

        var address = _options.Pilot.Address;
        _transport = new HttpGrpcTransport(_options.ToTransportOptions(_timeProvider), _loggerFactory.CreateLogger<HttpGrpcTransport>());
        _client = new AdsClient(_transport, _options.ToXdsClientOptions(), _registry, _timeProvider, _loggerFactory.CreateLogger<AdsClient>(), metrics: _metrics);
        _client.Start();
        LogStarted(_logger, address, _options.Pilot.XdsVersion.ToString());

        var wait = _options.Pilot.InitialSyncTimeout;
        if (wait <= TimeSpan.Zero || _registry.HasSynced)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(wait, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            await _registry.WaitForFirstSyncAsync(linked.Token).ConfigureAwait(false);
            LogSynced(_logger, _registry.Current.Clusters.Count);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            LogNotSynced(_logger, address, wait, _registry.LastError ?? "no answer yet");
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_client is { } client)
        {
            await client.StopAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops the stream and releases the transport, blocking until done. The stream loop and the transport never wait
    /// on the caller's synchronization context (they use <c>ConfigureAwait(false)</c> or run on the thread pool), so
    /// blocking here cannot deadlock.
    /// </summary>
    public void Dispose()
    {
        var client = Interlocked.Exchange(ref _client, null);
        var transport = Interlocked.Exchange(ref _transport, null);
        if (client is not null || transport is not null)
        {
            Task.Run(() => DisposeAsync(client, transport).AsTask()).GetAwaiter().GetResult();
        }
    }

    public ValueTask DisposeAsync() =>
        DisposeAsync(Interlocked.Exchange(ref _client, null), Interlocked.Exchange(ref _transport, null));

    private static async ValueTask DisposeAsync(AdsClient? client, HttpGrpcTransport? transport)
    {
        if (client is not null)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }

        if (transport is not null)
        {
            await transport.DisposeAsync().ConfigureAwait(false);
        }
    }
}
