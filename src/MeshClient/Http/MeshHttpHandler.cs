using System.Diagnostics.Metrics;
using MeshClient.Diagnostics;
using MeshClient.LoadBalancing;
using MeshClient.Resilience;
using MeshClient.Routing;
using Microsoft.Extensions.Logging;

namespace MeshClient.Http;

/// <summary>
/// Builds the mesh's message handler for apps without dependency injection (console apps, tests, GrpcChannel).
/// With DI, <c>AddHttpClient(...).AddMeshRouting()</c> builds the same handler.
/// </summary>
/// <example>
/// <code>
/// var registry = new MeshRegistry();          // fed by the xDS client, or MeshRegistry(snapshot) in tests
/// var router = new MeshRouter(registry, RouterRules.Load("router.yaml"));
/// using var client = new HttpClient(MeshHttpHandler.Create(router, new MeshOptions { Service = { Name = "productpage" } }));
/// var reviews = await client.GetStringAsync("http://reviews:9080/reviews/1");
///
/// // gRPC: every call, not every connection, is balanced.
/// using var channel = GrpcChannel.ForAddress("http://reviews:9080", new GrpcChannelOptions { HttpHandler = MeshHttpHandler.Create(router) });
/// </code>
/// </example>
public static class MeshHttpHandler
{
    /// <summary>
    /// Creates the handler of Pilot mode: each request is routed by <paramref name="router"/> to one endpoint, with
    /// retries, a per-attempt timeout and outlier ejection as <paramref name="options"/> say. Dispose it (or the
    /// HttpClient that owns it) when done.
    /// </summary>
    /// <param name="router">The router over the registry.</param>
    /// <param name="options">The options (identity, Host header, unknown hosts, retry, timeout, ejection); defaults when <see langword="null"/>.</param>
    /// <param name="innerHandler">
    /// The handler that sends to the endpoints; when <see langword="null"/>, a new <see cref="SocketsHttpHandler"/> that
    /// also calls peers over Istio mutual TLS with the workload certificate of <see cref="MeshOptions.Workload"/> (a
    /// handler given here gets the same when it is a <see cref="SocketsHttpHandler"/>, after its own connect callback; another kind sends in plaintext).
    /// </param>
    /// <param name="timeProvider">The clock of timeouts, retry delays, ejection times and certificate validity; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Where to log; nowhere when <see langword="null"/>.</param>
    /// <param name="meterFactory">Creates the <c>MeshClient</c> meter; a plain meter when <see langword="null"/>.</param>
    /// <returns>
    /// The handler, with its inner handler set. Under a <c>GrpcChannel</c> (<c>HttpHandler</c> or <c>HttpClient</c>),
    /// Grpc.Net.Client's own balancer is kept off the <see cref="SocketsHttpHandler"/> beneath, so the channel never
    /// connects to what DNS gives for its host: every call is routed by this handler.
    /// </returns>
    /// <exception cref="ArgumentException">An option is out of range (the message names its key), or <see cref="MeshOptions.Mode"/> is Sidecar.</exception>
    public static DelegatingHandler Create(
        MeshRouter router,
        MeshOptions? options = null,
        HttpMessageHandler? innerHandler = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(router);
        options ??= new MeshOptions();
        MeshOptionsValidator.ThrowIfInvalid(options, nameof(options));
        var settings = MeshHttpSettings.FromOptions(options);
        if (settings.Mode == MeshMode.Sidecar)
        {
            throw new ArgumentException("Mesh:Mode is Sidecar: use MeshHttpHandler.CreateSidecar, which needs no router.", nameof(options));
        }

        var time = timeProvider ?? TimeProvider.System;
        var metrics = new MeshMetrics(router.Registry, meterFactory);
        var outliers = ServiceOutlierDetectors.For(settings.OutlierDetection, time);
        var inner = InnerHandler(innerHandler, PeerTlsConnector.Create(options, time, loggerFactory));
        var handler = new MeshRoutingHandler(router, settings, outliers, metrics, time, loggerFactory?.CreateLogger<MeshRoutingHandler>(), SharedRandomSource.Instance, owned: metrics)
        {
            InnerHandler = inner,
        };
        GrpcChannelBalancing.DisableUnder(handler);
        return handler;
    }

    /// <summary>
    /// Creates the handler of sidecar mode: no registry, the Envoy sidecar balances; each request's authority is
    /// rewritten by the go-micro address rule (<see cref="Sidecar.SidecarAddress"/>) from <see cref="MeshOptions.Sidecar"/>.
    /// </summary>
    /// <param name="options">The options; defaults (<c>:</c> plus each request's port) when <see langword="null"/>.</param>
    /// <param name="innerHandler">The handler that sends to the sidecar; a new <see cref="SocketsHttpHandler"/> when <see langword="null"/>.</param>
    /// <param name="loggerFactory">Where to log; nowhere when <see langword="null"/>.</param>
    /// <returns>The handler, with its inner handler set.</returns>
    /// <exception cref="ArgumentException">The call address is empty or malformed, or another option is out of range.</exception>
    public static DelegatingHandler CreateSidecar(MeshOptions? options = null, HttpMessageHandler? innerHandler = null, ILoggerFactory? loggerFactory = null)
    {
        options ??= new MeshOptions { Mode = MeshMode.Sidecar };
        MeshOptionsValidator.ThrowIfInvalid(options, nameof(options));
        var settings = MeshHttpSettings.FromOptions(options);
        var handler = new SidecarRoutingHandler(settings, loggerFactory?.CreateLogger<SidecarRoutingHandler>())
        {
            InnerHandler = innerHandler ?? CreateDefaultInnerHandler(),
        };
        GrpcChannelBalancing.DisableUnder(handler);
        return handler;
    }

    /// <summary>
    /// Creates the handler of <paramref name="settings"/>' mode without an inner handler, for an HttpClient factory
    /// (which sets it). The detectors and metrics are the app's singletons, so ejections outlive handler rotation.
    /// </summary>
    /// <param name="settings">The validated options.</param>
    /// <param name="router">The router; required in Pilot mode, unused in Sidecar mode.</param>
    /// <param name="outliers">The app's outlier detectors; <see langword="null"/> when ejection is off.</param>
    /// <param name="metrics">The app's <c>MeshClient</c> instruments, or <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="loggerFactory">Where to log.</param>
    /// <returns>The handler, its inner handler not set.</returns>
    internal static DelegatingHandler CreateForFactory(
        MeshHttpSettings settings,
        MeshRouter? router,
        ServiceOutlierDetectors? outliers,
        MeshMetrics? metrics,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        if (settings.Mode == MeshMode.Sidecar)
        {
            return new SidecarRoutingHandler(settings, loggerFactory.CreateLogger<SidecarRoutingHandler>());
        }

        if (router is null)
        {
            throw new ArgumentNullException(nameof(router), "Pilot mode routes through a MeshRouter; none was given.");
        }

        return new MeshRoutingHandler(router, settings, outliers, metrics, timeProvider, loggerFactory.CreateLogger<MeshRoutingHandler>());
    }

    /// <summary>
    /// The handler beneath a Pilot-mode mesh handler: <paramref name="given"/>, else a new default one; a
    /// <see cref="SocketsHttpHandler"/> gets <paramref name="peerTls"/> (mTLS to peers) after its own connect callback, if any.
    /// </summary>
    internal static HttpMessageHandler InnerHandler(HttpMessageHandler? given, PeerTlsConnector? peerTls)
    {
        var inner = given ?? CreateDefaultInnerHandler();
        if (peerTls is not null && inner is SocketsHttpHandler sockets)
        {
            peerTls.InstallOn(sockets);
        }

        return inner;
    }

    internal static SocketsHttpHandler CreateDefaultInnerHandler() => new()
    {
        // Cookies belong to the logical host, not to whichever endpoint address a call went to.
        UseCookies = false,

        // gRPC: more than 100 concurrent streams to one endpoint open another connection rather than queue.
        EnableMultipleHttp2Connections = true,
    };
}
