using System.Diagnostics.Metrics;
using Grpc.Net.Client;
using MeshClient.DependencyInjection;
using MeshClient.Diagnostics;
using MeshClient.Grpc;
using MeshClient.Http;
using MeshClient.Registry;
using MeshClient.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshClient;

/// <summary>
/// MeshClient for apps without dependency injection (console services, tools): the same parts
/// <c>services.AddMeshDiscovery()</c> wires, started from <see cref="MeshOptions"/> in one call. It opens one ADS stream
/// to Pilot (none in Sidecar mode), loads and watches the routing files, and creates message handlers for HttpClient
/// and channels for gRPC (<see cref="CreateGrpcChannel"/>). Dispose it to close the stream.
/// </summary>
/// <example>
/// <code>
/// await using var mesh = await MeshDiscovery.StartAsync(new MeshOptions
/// {
///     Service = { Name = "productpage" },
///     Pilot = { Address = "grpc://istiod.istio-system:15010" },
///     Routing = { RouterFile = "router.yaml" },
/// });
/// using var client = new HttpClient(mesh.CreateHandler()) { BaseAddress = new Uri("http://reviews:9080") };
/// using var channel = mesh.CreateGrpcChannel("xds:///reviews:9080");
/// </code>
/// </example>
public sealed class MeshDiscovery : IAsyncDisposable, IDisposable
{
    private readonly MeshRoutingRuntime _routing;
    private readonly MeshMetrics _metrics;
    private readonly MeshHttpRuntime _http;
    private readonly MeshGrpcRuntime _grpc;
    private readonly MeshDiscoveryHostedService _discovery;
    private int _disposed;

    private MeshDiscovery(MeshOptions options, TimeProvider time, ILoggerFactory loggerFactory, IMeterFactory? meterFactory)
    {
        Registry = new MeshRegistry(RegistrySnapshot.Empty, loggerFactory.CreateLogger<MeshRegistry>());
        _routing = new MeshRoutingRuntime(options, Registry, time, loggerFactory);
        _metrics = new MeshMetrics(Registry, meterFactory);
        _http = new MeshHttpRuntime(options, () => _routing, _metrics, time, loggerFactory);
        _grpc = _http.CreateGrpcRuntime();
        _discovery = new MeshDiscoveryHostedService(options, Registry, _routing, time, loggerFactory, _metrics);
    }

    /// <summary>The registry Pilot's clusters and endpoints stream into; empty in Sidecar mode.</summary>
    public MeshRegistry Registry { get; }

    /// <summary>The router over <see cref="Registry"/>, with the rules of the routing files (reloaded when they change).</summary>
    public MeshRouter Router => _routing.Router;

    /// <summary>
    /// Validates <paramref name="options"/>, loads the routing files and opens the ADS stream, then waits for the
    /// first complete state at most <see cref="MeshPilotOptions.InitialSyncTimeout"/> (Pilot down never hangs it: it
    /// goes on and serves what arrives later; see <see cref="MeshRegistry.HasSynced"/>).
    /// </summary>
    /// <param name="options">The options, as in the <c>Mesh</c> configuration section.</param>
    /// <param name="loggerFactory">Where to log; nowhere when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock of timers and timeouts; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="meterFactory">Creates the <c>MeshClient</c> meter; a plain meter when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the wait for the first state.</param>
    /// <returns>The started client.</returns>
    /// <exception cref="ArgumentException">An option is bad; the message names each key and the reason.</exception>
    /// <exception cref="MeshConfigurationException">A routing file is bad; the message is <c>FILE:LINE:COLUMN: reason</c>.</exception>
    public static async Task<MeshDiscovery> StartAsync(
        MeshOptions options,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        MeshOptionsValidator.ThrowIfInvalid(options, nameof(options));

        var mesh = new MeshDiscovery(options, timeProvider ?? TimeProvider.System, loggerFactory ?? NullLoggerFactory.Instance, meterFactory);
        try
        {
            await mesh._discovery.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await mesh.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return mesh;
    }

    /// <summary>
    /// Creates a message handler that sends each request (each gRPC call) through the mesh, as
    /// <c>AddMeshRouting()</c> does. Handlers share this client's registry, rules and ejection state.
    /// </summary>
    /// <param name="innerHandler">
    /// The handler that sends to the endpoints; a new <see cref="SocketsHttpHandler"/> when <see langword="null"/>. With a
    /// workload certificate (<see cref="MeshOptions.Workload"/>) a <see cref="SocketsHttpHandler"/> calls peers marked
    /// <c>tlsMode: istio</c> over Istio mutual TLS (after its own connect callback, if any).
    /// </param>
    /// <returns>The handler; the HttpClient or GrpcChannel that owns it disposes it.</returns>
    /// <exception cref="ObjectDisposedException">This client is disposed.</exception>
    public DelegatingHandler CreateHandler(HttpMessageHandler? innerHandler = null)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var handler = _http.CreateHandler();
        handler.InnerHandler = MeshHttpHandler.InnerHandler(innerHandler, _http.PeerTls);
        GrpcChannelBalancing.DisableUnder(handler);
        return handler;
    }

    /// <summary>
    /// Creates a gRPC channel whose every call is routed by the mesh. With an <c>xds:///SERVICE:PORT</c> address
    /// (proxyless, as grpc-go and grpc-java do it) the channel keeps one HTTP/2 connection per endpoint Pilot names,
    /// adds and removes them as Pilot's endpoints change, and picks one per call by the service's route rules applied
    /// to the call's metadata, skipping ejected endpoints; unless <paramref name="options"/> say otherwise it is
    /// plaintext and retries calls answered UNAVAILABLE as <c>Mesh:Retry</c> says. With an <c>http://</c> or
    /// <c>https://</c> address the channel sends through the mesh handler (<see cref="CreateHandler"/>), which routes and
    /// retries every call the same way over pooled connections.
    /// </summary>
    /// <param name="address">The target: <c>xds:///reviews:9080</c>, or <c>http://reviews:9080</c>.</param>
    /// <param name="options">
    /// The channel's options, completed here: <see cref="GrpcChannelOptions.HttpHandler"/>, when given, becomes the
    /// handler beneath the mesh's; its <see cref="GrpcChannelOptions.ServiceProvider"/> keeps answering everything but
    /// the mesh's resolver and load balancer. <see cref="GrpcChannelOptions.HttpClient"/> cannot be used.
    /// </param>
    /// <returns>The channel; dispose it when done.</returns>
    /// <exception cref="ArgumentException">The address is not a valid xds:///, http:// or https:// address, or the options give an HttpClient.</exception>
    /// <exception cref="InvalidOperationException">An xds:/// address in Sidecar mode: there is no Pilot to name endpoints.</exception>
    /// <exception cref="ObjectDisposedException">This client is disposed.</exception>
    /// <example>
    /// <code>
    /// using var channel = mesh.CreateGrpcChannel("xds:///reviews:9080");
    /// var reviews = new Reviews.ReviewsClient(channel);
    /// </code>
    /// </example>
    public GrpcChannel CreateGrpcChannel(string address, GrpcChannelOptions? options = null)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri))
        {
            throw new ArgumentException($"The gRPC address '{address}' is not an absolute URI: write xds:///SERVICE:PORT or http://SERVICE:PORT.", nameof(address));
        }

        options ??= new GrpcChannelOptions();
        if (options.HttpClient is not null)
        {
            throw new ArgumentException(
                "GrpcChannelOptions.HttpClient is set: CreateGrpcChannel builds the channel's handler. Give an HttpHandler (it goes beneath the mesh's) or none.",
                nameof(options));
        }

        var owned = options.HttpHandler is null;
        if (string.Equals(uri.Scheme, XdsTarget.Scheme, StringComparison.OrdinalIgnoreCase))
        {
            XdsTarget.Parse(uri);
            _grpc.RequireRouter(uri);
            options.HttpHandler = new GrpcResponseStatusRecorder { InnerHandler = options.HttpHandler ?? MeshHttpHandler.CreateDefaultInnerHandler() };
            options.ServiceProvider = new MeshGrpcServiceProvider(_grpc, options.ServiceProvider);
            MeshGrpcChannelDefaults.Apply(options, _http.Settings.Retry);
        }
        else if (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        {
            options.HttpHandler = CreateHandler(options.HttpHandler);
        }
        else
        {
            throw new ArgumentException($"The gRPC address '{address}' has the scheme '{uri.Scheme}': write xds:///SERVICE:PORT or http://SERVICE:PORT.", nameof(address));
        }

        if (owned)
        {
            options.DisposeHttpClient = true;
        }

        return GrpcChannel.ForAddress(uri, options);
    }

    /// <summary>Closes the ADS stream and stops watching the routing files, blocking until the stream is closed.</summary>
    public void Dispose() => Task.Run(() => DisposeAsync().AsTask()).GetAwaiter().GetResult();

    /// <summary>Closes the ADS stream and stops watching the routing files.</summary>
    /// <returns>A task that completes when the stream is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _discovery.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _discovery.DisposeAsync().ConfigureAwait(false);
        _routing.Dispose();
        _metrics.Dispose();
    }
}
