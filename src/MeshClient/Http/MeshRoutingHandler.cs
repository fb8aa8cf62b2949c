using System.Globalization;
using MeshClient.Diagnostics;
using MeshClient.LoadBalancing;
using MeshClient.Registry;
using MeshClient.Resilience;
using MeshClient.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

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
    private const string HostHeader = "Host";

    private readonly MeshRouter _router;
    private readonly MeshHttpSettings _settings;
    private readonly ServiceOutlierDetectors? _outliers;
    private readonly MeshMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly EndpointOutcomeReporter _outcomes;
    private readonly MeshRetryPipeline? _retry;
    private readonly TimeoutSourcePool _timeouts;
    private readonly IDisposable? _owned;

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
        _timeouts = new TimeoutSourcePool(clock);
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

        var host = uri.Host;
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

        LogNoEndpoint(_logger, uri.Authority, decision.Failure);
        return Task.FromException<HttpResponseMessage>(NoEndpointError(uri, decision));
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

    /// <summary>An attempt after the first, from the retry pipeline: to the same endpoint, or to another one once <c>retryOnSame</c> is used up.</summary>
    internal ValueTask<Outcome<HttpResponseMessage>> SendRetryAsync(RoutedCall call, CancellationToken cancellationToken)
    {
        var attempt = call.Attempts++;
        if (attempt > _retry!.OnSame)
        {
            var tried = call.Tried ??= [];
            tried.Add(call.Decision.Endpoint!);
            call.Decision = _router.RouteAgain(call.Decision, new AttemptEndpointFilter(_outliers, tried));
        }

        return SendAttemptAsync(call, cancellationToken);
    }

    private static Exception NoEndpointError(Uri uri, in RouteDecision decision)
    {
        var service = decision.Service is { } known ? string.Create(CultureInfo.InvariantCulture, $"{known.Host}:{known.Port}") : uri.Authority;
        var reason = decision.Failure switch
        {
            RouteFailure.PortNotSpecified => $"the service has several ports and the request URI '{uri}' names none of them",
            RouteFailure.NoRoutableEndpoints => "the service has no routable endpoint (none is healthy, or Pilot has sent none yet)",
            RouteFailure.NoEndpointWithTags => "no routable endpoint carries the tags the route rule chose (check the DestinationRule subsets and their labels)",
            _ => decision.Failure.ToString(),
        };
        return new MeshRoutingException(
            decision.RequestedService,
            decision.Failure,
            $"No endpoint for service '{service}': {reason}. Decision: {decision}");
    }

    private static TaskCanceledException TimeoutError(HttpRequestMessage request, Uri original, string service, MeshEndpoint endpoint, int attempts, TimeSpan timeout, Exception inner)
    {
        var message = string.Create(
            CultureInfo.InvariantCulture,
            $"The call to service '{service}' ({request.Method} {original}), last at endpoint {endpoint} after {attempts} attempt(s), did not complete within the mesh timeout of {timeout.TotalSeconds:0.###} s (Mesh:Timeout).");
        return new TaskCanceledException(message, new TimeoutException(message, inner));
    }

    private static string ServiceHost(in RouteDecision decision) => decision.Service?.Host ?? decision.RequestedService;

    /// <summary>Why the registry may not know a service yet: it has never synced with Pilot.</summary>
    private string NotSyncedNote()
    {
        var registry = _router.Registry;
        return registry.HasSynced
            ? string.Empty
            : $" The registry has not synced with Pilot yet ({registry.ConnectionState}: {registry.LastError ?? "no answer yet"}).";
    }

    private Task<HttpResponseMessage> SendUnknownHost(HttpRequestMessage request, Uri uri, CancellationToken cancellationToken)
    {
        if (_settings.UnknownHost == UnknownHostBehavior.Fail)
        {
            LogUnknownHostRejected(_logger, uri.Authority);
            return Task.FromException<HttpResponseMessage>(new MeshRoutingException(
                uri.Authority,
                RouteFailure.ServiceNotFound,
                $"The mesh knows no service '{uri.Authority}' (request {request.Method} {uri}), and Mesh:Routing:UnknownHost is Fail.{NotSyncedNote()}"));
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            LogUnknownHostPassedThrough(_logger, uri.Authority);
        }

        return base.SendAsync(request, cancellationToken);
    }

    /// <summary>
    /// The routed call: the first attempt inline (one state machine, no retry object, no Polly), the retry pipeline
    /// only when that attempt's outcome makes a retry due.
    /// </summary>
    private async Task<HttpResponseMessage> SendRoutedAsync(HttpRequestMessage request, Uri original, RouteDecision decision, CancellationToken cancellationToken)
    {
        _metrics?.Decision(decision.Service!.Host, decision.Subset);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            LogRouted(_logger, request.Method.Method, original, decision.ToString());
        }

        var activity = RouteActivity.Start(decision);

        // Mesh:Timeout bounds the whole call, retries and backoff included, up to the response headers. gRPC calls
        // carry their own deadline (grpc-timeout), and a server-streaming call cannot be told from a unary one, so
        // the mesh timeout is for plain HTTP only.
        var kind = RetryClassifier.Classify(request);
        var timeout = kind == CallKind.Http ? _settings.Timeout : null;
        var timeoutSource = timeout is { } limit ? _timeouts.Rent(limit) : null;
        var callerLink = timeoutSource is null
            ? default
            : cancellationToken.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), timeoutSource);
        var token = timeoutSource?.Token ?? cancellationToken;
        var target = EndpointRequestTarget.Of(decision.Endpoint!).For(original);
        var hostAdded = _settings.PreserveHostHeader
            && !request.Headers.NonValidated.Contains(HostHeader)
            && request.Headers.TryAddWithoutValidation(HostHeader, target.Host);
        try
        {
            Outcome<HttpResponseMessage> outcome;
            var attempts = 1;
            request.RequestUri = target.Uri;
            var endpointCall = _router.BeginCall(decision);
            try
            {
                var response = await base.SendAsync(request, token).ConfigureAwait(false);
                outcome = Answered(request, kind, decision, endpointCall, response);
            }
            catch (Exception exception)
            {
                outcome = Failed(request, original, decision, attempts, endpointCall, exception, cancellationToken, timeoutSource, timeout);
            }

            if (_retry is not null && _retry.IsRetryDue(kind, request, outcome))
            {
                var call = new RoutedCall(this, request, original, decision, kind, activity)
                {
                    Attempts = attempts,
                    CallerToken = cancellationToken,
                    TimeoutSource = timeoutSource,
                    Timeout = timeout,
                };
                outcome = await _retry.RetryAsync(call, outcome, token).ConfigureAwait(false);
                decision = call.Decision;
                attempts = call.Attempts;
                if (call.TimedOut && outcome.Exception is OperationCanceledException and not TaskCanceledException { InnerException: TimeoutException })
                {
                    // The timeout passed during a retry's backoff, between attempts.
                    outcome = Outcome.FromException<HttpResponseMessage>(TimeoutError(request, original, call.ServiceHost, decision.Endpoint!, attempts, timeout!.Value, outcome.Exception));
                }
            }

            if (activity is not null)
            {
                RouteActivity.Complete(activity, decision, attempts, outcome.Result, outcome.Exception);
            }

            outcome.ThrowIfException();
            return outcome.Result!;
        }
        finally
        {
            request.RequestUri = original;
            if (hostAdded)
            {
                request.Headers.Remove(HostHeader);
            }

            callerLink.Dispose();
            if (timeoutSource is not null)
            {
                _timeouts.Return(timeoutSource);
            }

            activity?.Dispose();
        }
    }

    /// <summary>An attempt of a retried call: sends to the current decision's endpoint and reports the outcome.</summary>
    private async ValueTask<Outcome<HttpResponseMessage>> SendAttemptAsync(RoutedCall call, CancellationToken cancellationToken)
    {
        var decision = call.Decision;
        var request = call.Request;
        request.RequestUri = EndpointRequestTarget.Of(decision.Endpoint!).For(call.OriginalUri).Uri;
        var endpointCall = _router.BeginCall(decision);
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return Answered(request, call.Kind, decision, endpointCall, response);
        }
        catch (Exception exception)
        {
            return Failed(request, call.OriginalUri, decision, call.Attempts, endpointCall, exception, call.CallerToken, call.TimeoutSource, call.Timeout);
        }
    }

    /// <summary>
    /// An attempt got a response: its outcome is known at the headers and reported; the call stays in flight until
    /// its content is read or disposed, unless the response has no content to wait for.
    /// </summary>
    private Outcome<HttpResponseMessage> Answered(HttpRequestMessage request, CallKind kind, in RouteDecision decision, EndpointCall endpointCall, HttpResponseMessage response)
    {
        var failed = RetryClassifier.IsEndpointFailure(kind, response);
        endpointCall.RecordAnswer(success: !failed);
        if (InFlightContent.HasNoBody(request, response))
        {
            endpointCall.Release();
        }
        else
        {
            response.Content = new InFlightContent(response.Content, endpointCall);
        }

        _outcomes.Report(decision.Service!, decision.Endpoint!, failed);
        return Outcome.FromResult(response);
    }

    /// <summary>
    /// An attempt failed without a response. A timeout or a transport failure is the endpoint's; the caller's own
    /// cancellation, or an error of the request itself (its content), says nothing about the endpoint and is not
    /// counted either way.
    /// </summary>
    private Outcome<HttpResponseMessage> Failed(
        HttpRequestMessage request,
        Uri original,
        in RouteDecision decision,
        int attempts,
        EndpointCall endpointCall,
        Exception exception,
        CancellationToken callerToken,
        CancellationTokenSource? timeoutSource,
        TimeSpan? timeout)
    {
        var endpoint = decision.Endpoint!;
        var timedOut = !callerToken.IsCancellationRequested && timeoutSource is { IsCancellationRequested: true };
        if (timedOut || (exception is HttpRequestException && !callerToken.IsCancellationRequested))
        {
            endpointCall.Complete(success: false);
            _outcomes.Report(decision.Service!, endpoint, failed: true);
        }
        else
        {
            endpointCall.Abandon();
        }

        if (timedOut)
        {
            var service = ServiceHost(decision);
            LogAttemptTimedOut(_logger, service, endpoint.ToString(), timeout!.Value);
            return Outcome.FromException<HttpResponseMessage>(TimeoutError(request, original, service, endpoint, attempts, timeout.Value, exception));
        }

        return Outcome.FromException<HttpResponseMessage>(exception);
    }
}
