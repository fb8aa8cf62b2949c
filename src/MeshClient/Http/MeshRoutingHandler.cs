using MeshClient.Diagnostics;
using MeshClient.LoadBalancing;
using MeshClient.Resilience;
using MeshClient.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshClient.Http;

/// <summary>
/// The mesh's message handler (Pilot mode): decides and sends. Per request: finds the service by the URI's host (and
/// port), makes a routing decision from the request's headers and the app's identity, skipping ejected endpoints, and
/// sends the request to the chosen endpoint's address with the Host header kept as the logical service, within the
/// call's timeout; then restores the request's URI. What it hands on lives with its feature: retries
/// (<see cref="MeshRetryPipeline"/>, only once an attempt's outcome makes one due) and outcome reporting
/// (<see cref="EndpointOutcomeReporter"/>) in Resilience, the activity (<see cref="RouteActivity"/>) in Diagnostics.
/// Serves HttpClient and GrpcChannel alike: every request (every gRPC call) is balanced, not every connection.
/// </summary>
internal sealed partial class MeshRoutingHandler : DelegatingHandler
{
    private readonly MeshRouter _router;
    private readonly MeshHttpSettings _settings;
    private readonly ServiceOutlierDetectors? _outliers;
    private readonly MeshMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly EndpointOutcomeReporter _outcomes;
    private readonly MeshRetryPipeline? _retry;
    private readonly IDisposable? _owned;
    private LogicalHost? _lastHost;

    /// <summary>Creates the handler; set <see cref="DelegatingHandler.InnerHandler"/> unless an HttpClient factory does.</summary>
    /// <param name="router">The router whose decisions the handler follows.</param>
    /// <param name="settings">The validated options.</param>
    /// <param name="outliers">The outlier detectors, shared by every handler of the app; <see langword="null"/> for no ejection.</param>
    /// <param name="metrics">The <c>MeshClient</c> meter's instruments, or <see langword="null"/> for none.</param>
    /// <param name="time">The clock of attempt timeouts and retry delays.</param>
    /// <param name="logger">The logger.</param>
    public MeshRoutingHandler(
        MeshRouter router,
        MeshHttpSettings settings,
        ServiceOutlierDetectors? outliers,
        MeshMetrics? metrics,
        TimeProvider? time = null,
        ILogger? logger = null)
        : this(router, settings, outliers, metrics, time, logger, SharedRandomSource.Instance, owned: null)
    {
    }

    internal MeshRoutingHandler(
        MeshRouter router,
        MeshHttpSettings settings,
        ServiceOutlierDetectors? outliers,
        MeshMetrics? metrics,
        TimeProvider? time,
        ILogger? logger,
        IRandomSource random,
        IDisposable? owned)
    {
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(settings);
        _router = router;
        _settings = settings;
        _outliers = outliers;
        _metrics = metrics;
        var clock = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _owned = owned;
        _outcomes = new EndpointOutcomeReporter(router.Registry, outliers, metrics, _logger);
        _retry = MeshRetryPipeline.Create(settings.Retry, clock, random, metrics, _logger);
        Timeouts = new TimeoutSourcePool(clock);
    }

    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri;
        if (uri is null || !uri.IsAbsoluteUri)
        {
            // HttpClient refuses such requests before any handler; let the inner handler report it as it would.
            return base.SendAsync(request, cancellationToken);
        }

        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
        {
            // An address is no service name: sent as it is, whatever Mesh:Routing:UnknownHost says (a second mesh
            // handler in the same pipeline sees the endpoint the first one chose).
            return base.SendAsync(request, cancellationToken);
        }

        return RouteAndSend(request, uri, mayWaitForEndpoints: true, cancellationToken);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _owned?.Dispose();
        }

        base.Dispose(disposing);
    }

    private Task<HttpResponseMessage> RouteAndSend(HttpRequestMessage request, Uri uri, bool mayWaitForEndpoints, CancellationToken cancellationToken)
    {
        var host = ServiceHostOf(uri);
        var headers = new HttpRequestHeadersReader(request.Headers);
        var filter = new AttemptEndpointFilter(_outliers, null);
        var decision = _router.Route(new RouteRequest(host, uri.Port, _settings.SourceService, _settings.SourceTags), headers, filter);
        if (decision.Failure == RouteFailure.ServiceNotFound && uri.IsDefaultPort)
        {
            // http://reviews/ names no port: the service's only port will do.
            decision = _router.Route(new RouteRequest(host, null, _settings.SourceService, _settings.SourceTags), headers, filter);
        }

        if (decision.Succeeded)
        {
            return SendRoutedAsync(request, uri, decision, cancellationToken);
        }

        if (decision.Failure == RouteFailure.ServiceNotFound)
        {
            return SendUnknownHost(request, uri, cancellationToken);
        }

        if (mayWaitForEndpoints && decision.Service is { } service)
        {
            // On-demand EDS: the first call to a service waits (bounded) for its endpoints to arrive. Endpoints may
            // also have arrived between the decision and this check (the wait is then over already): the registry
            // has moved on from the decision's snapshot, so the call is routed again too.
            var arriving = _router.Registry.WhenServiceEndpointsKnown(service);
            if (!arriving.IsCompleted || _router.Registry.Current.Version != decision.RegistryVersion)
            {
                return RouteWhenEndpointsArriveAsync(request, uri, arriving, cancellationToken);
            }
        }

        LogNoEndpoint(_logger, uri.Authority, decision.Failure);
        return Task.FromException<HttpResponseMessage>(MeshCallErrors.NoEndpoint(uri, decision));
    }

    private async Task<HttpResponseMessage> RouteWhenEndpointsArriveAsync(HttpRequestMessage request, Uri uri, Task arriving, CancellationToken cancellationToken)
    {
        await arriving.WaitAsync(cancellationToken);
        return await RouteAndSend(request, uri, mayWaitForEndpoints: false, cancellationToken);
    }

    /// <summary>The validated options.</summary>
    internal MeshHttpSettings Settings => _settings;

    /// <summary>The router.</summary>
    internal MeshRouter Router => _router;

    /// <summary>The retry pipeline, or <see langword="null"/> when retries are off.</summary>
    internal MeshRetryPipeline? Retry => _retry;

    /// <summary>The call timeouts' reusable sources.</summary>
    internal TimeoutSourcePool Timeouts { get; }

    /// <summary>The idle routed calls.</summary>
    internal RoutedSendPool Sends { get; } = new();

    /// <summary>The URI's host, computed once for the last logical URI (Uri.Host builds a new string at each call).</summary>
    private string ServiceHostOf(Uri uri)
    {
        var last = Volatile.Read(ref _lastHost);
        if (last is not null && (ReferenceEquals(last.Uri, uri) || string.Equals(last.Uri.OriginalString, uri.OriginalString, StringComparison.Ordinal)))
        {
            return last.Host;
        }

        var host = uri.Host;
        Volatile.Write(ref _lastHost, new LogicalHost(uri, host));
        return host;
    }

    private static string ServiceHost(in RouteDecision decision) => decision.Service?.Host ?? decision.RequestedService;

    private Task<HttpResponseMessage> SendUnknownHost(HttpRequestMessage request, Uri uri, CancellationToken cancellationToken)
    {
        if (_settings.UnknownHost == UnknownHostBehavior.Fail)
        {
            LogUnknownHostRejected(_logger, uri.Authority);
            return Task.FromException<HttpResponseMessage>(MeshCallErrors.UnknownHost(request, uri, _router.Registry));
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            LogUnknownHostPassedThrough(_logger, uri.Authority);
        }

        return base.SendAsync(request, cancellationToken);
    }

    /// <summary>
    /// The routed call: the first attempt without Polly and without a retry object, on a pooled
    /// <see cref="RoutedSend"/>; the retry pipeline only when that attempt's outcome makes a retry due.
    /// </summary>
    private Task<HttpResponseMessage> SendRoutedAsync(HttpRequestMessage request, Uri original, in RouteDecision decision, CancellationToken cancellationToken)
    {
        _metrics?.Decision(decision.Service!.Host, decision.Subset);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            LogRouted(_logger, request.Method.Method, original, decision.ToString());
        }

        return Sends.Rent().Start(this, request, original, decision, cancellationToken);
    }

    /// <summary>A logical URI and its host.</summary>
    private sealed record LogicalHost(Uri Uri, string Host);
}
