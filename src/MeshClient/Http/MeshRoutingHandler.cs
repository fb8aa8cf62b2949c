using System.Diagnostics;
using System.Globalization;
using MeshClient.Diagnostics;
using MeshClient.LoadBalancing;
using MeshClient.Registry;
using MeshClient.Resilience;
using MeshClient.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

namespace MeshClient.Http;

/// <summary>
/// The mesh's message handler (Pilot mode). Per request: finds the service by the URI's host (and port), makes a
/// routing decision from the request's headers and the app's identity, skipping ejected endpoints, sends the request
/// to the chosen endpoint's address with the Host header kept as the logical service, reports the outcome to the load
/// balancer and the outlier detector, retries per the retry settings (Polly), and restores the request's URI. Serves
/// HttpClient and GrpcChannel alike: every request (every gRPC call) is balanced, not every connection.
/// </summary>
internal sealed partial class MeshRoutingHandler : DelegatingHandler
{
    private const string HostHeader = "Host";

    private static readonly ResiliencePropertyKey<RoutedCall> CallKey = new("MeshClient.RoutedCall");

    private readonly MeshRouter _router;
    private readonly MeshHttpSettings _settings;
    private readonly ServiceOutlierDetectors? _outliers;
    private readonly MeshMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IRandomSource _random;
    private readonly ResiliencePipeline<HttpResponseMessage>? _retry;
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
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _random = random;
        _owned = owned;
        _retry = BuildRetryPipeline();
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

        if (mayWaitForEndpoints
            && decision.Service is { } service
            && _router.Registry.WhenServiceEndpointsKnown(service) is { IsCompleted: false } arriving)
        {
            // On-demand EDS: the first call to a service waits (bounded) for its endpoints to arrive.
            return RouteWhenEndpointsArriveAsync(request, uri, arriving, cancellationToken);
        }

        LogNoEndpoint(_logger, uri.Authority, decision.Failure);
        return Task.FromException<HttpResponseMessage>(NoEndpointError(uri, decision));
    }

    private async Task<HttpResponseMessage> RouteWhenEndpointsArriveAsync(HttpRequestMessage request, Uri uri, Task arriving, CancellationToken cancellationToken)
    {
        await arriving.WaitAsync(cancellationToken);
        return await RouteAndSend(request, uri, mayWaitForEndpoints: false, cancellationToken);
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

    private static Uri EndpointUri(Uri original, MeshEndpoint endpoint)
    {
        var address = endpoint.Address;
        var text = address.Contains(':', StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"{original.Scheme}://[{address}]:{endpoint.Port}{original.PathAndQuery}")
            : string.Create(CultureInfo.InvariantCulture, $"{original.Scheme}://{address}:{endpoint.Port}{original.PathAndQuery}");
        return new Uri(text, UriKind.Absolute);
    }

    private static string Describe(in Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } exception
            ? exception.GetType().Name + ": " + exception.Message
            : string.Create(CultureInfo.InvariantCulture, $"status {(int)outcome.Result!.StatusCode}");

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

    private async Task<HttpResponseMessage> SendRoutedAsync(HttpRequestMessage request, Uri original, RouteDecision decision, CancellationToken cancellationToken)
    {
        var service = decision.Service!;
        _metrics?.Decision(service.Host, decision.Subset);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            LogRouted(_logger, request.Method.Method, original, decision.ToString());
        }

        using var activity = StartActivity(decision);

        // Mesh:Timeout bounds the whole call, retries and backoff included, up to the response headers. gRPC calls
        // carry their own deadline (grpc-timeout), and a server-streaming call cannot be told from a unary one, so
        // the mesh timeout is for plain HTTP only.
        var kind = RetryClassifier.Classify(request);
        var timeout = kind == CallKind.Http ? _settings.Timeout : null;
        using var timeoutSource = timeout is { } limit ? new CancellationTokenSource(limit, _time) : null;
        using var callerLink = timeoutSource is null
            ? default
            : cancellationToken.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), timeoutSource);
        var token = timeoutSource?.Token ?? cancellationToken;
        var call = new RoutedCall(request, original, decision, kind, activity)
        {
            CallerToken = cancellationToken,
            TimeoutSource = timeoutSource,
            Timeout = timeout,
        };
        var hostAdded = _settings.PreserveHostHeader
            && !request.Headers.NonValidated.Contains(HostHeader)
            && request.Headers.TryAddWithoutValidation(HostHeader, original.Authority);
        try
        {
            Outcome<HttpResponseMessage> outcome;
            if (_retry is null || !RetryClassifier.MayEverRetry(call.Kind, request.Method, _settings.Retry.RetryNonIdempotent))
            {
                outcome = await SendAttemptAsync(call, token);
            }
            else
            {
                var context = ResilienceContextPool.Shared.Get(token);
                try
                {
                    context.Properties.Set(CallKey, call);
                    outcome = await _retry.ExecuteOutcomeAsync(
                        static (context, state) => state.Handler.SendAttemptAsync(state.Call, context.CancellationToken),
                        context,
                        (Handler: this, Call: call));
                }
                finally
                {
                    ResilienceContextPool.Shared.Return(context);
                }

                if (call.TimedOut && outcome.Exception is OperationCanceledException and not TaskCanceledException { InnerException: TimeoutException })
                {
                    // The timeout passed during a retry's backoff, between attempts.
                    outcome = Outcome.FromException<HttpResponseMessage>(TimeoutError(call, call.Decision.Endpoint!, outcome.Exception));
                }
            }

            if (activity is not null)
            {
                CompleteActivity(activity, call, outcome);
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
        }
    }

    /// <summary>One attempt: picks the attempt's endpoint (the same one, or another for a retry on next), sends, and reports the outcome.</summary>
    private async ValueTask<Outcome<HttpResponseMessage>> SendAttemptAsync(RoutedCall call, CancellationToken cancellationToken)
    {
        var attempt = call.Attempts++;
        if (attempt > _settings.Retry.OnSame)
        {
            var tried = call.Tried ??= [];
            tried.Add(call.Decision.Endpoint!);
            call.Decision = _router.RouteAgain(call.Decision, new AttemptEndpointFilter(_outliers, tried));
        }

        var decision = call.Decision;
        var endpoint = decision.Endpoint!;
        var request = call.Request;
        request.RequestUri = EndpointUri(call.OriginalUri, endpoint);
        PeerTlsRequest.Apply(request, decision, endpoint);
        var endpointCall = _router.BeginCall(decision);
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            var failed = RetryClassifier.IsEndpointFailure(call.Kind, response);

            // The outcome is known at the headers; the call stays in flight until its content is read or disposed.
            endpointCall.RecordAnswer(success: !failed);
            response.Content = new InFlightContent(response.Content, endpointCall);
            ReportOutcome(decision, endpoint, failed);
            return Outcome.FromResult(response);
        }
        catch (Exception exception)
        {
            // A timeout or a transport failure is the endpoint's; the caller's own cancellation, or an error of the
            // request itself (its content), says nothing about the endpoint and is not counted either way.
            var timedOut = call.TimedOut;
            if (timedOut || (exception is HttpRequestException && !call.CallerToken.IsCancellationRequested))
            {
                endpointCall.Complete(success: false);
                ReportOutcome(decision, endpoint, failed: true);
            }
            else
            {
                endpointCall.Abandon();
            }

            if (timedOut)
            {
                LogAttemptTimedOut(_logger, call.ServiceHost, endpoint.ToString(), call.Timeout!.Value);
                return Outcome.FromException<HttpResponseMessage>(TimeoutError(call, endpoint, exception));
            }

            return Outcome.FromException<HttpResponseMessage>(exception);
        }
    }

    private static TaskCanceledException TimeoutError(RoutedCall call, MeshEndpoint endpoint, Exception inner)
    {
        var message = string.Create(
            CultureInfo.InvariantCulture,
            $"The call to service '{call.ServiceHost}' ({call.Request.Method} {call.OriginalUri}), last at endpoint {endpoint} after {call.Attempts} attempt(s), did not complete within the mesh timeout of {call.Timeout!.Value.TotalSeconds:0.###} s (Mesh:Timeout).");
        return new TaskCanceledException(message, new TimeoutException(message, inner));
    }

    private void ReportOutcome(in RouteDecision decision, MeshEndpoint endpoint, bool failed)
    {
        var service = decision.Service!;
        if (_outliers is not null && _outliers.Report(_router.Registry, service, endpoint, failed, out var ejectionTime))
        {
            _metrics?.Ejection(service.Host);
            LogEndpointEjected(_logger, endpoint.ToString(), service.Host, ejectionTime, _outliers.Settings.ConsecutiveFailures);
        }
    }

    private ResiliencePipeline<HttpResponseMessage>? BuildRetryPipeline()
    {
        var retry = _settings.Retry;
        if (retry.MaxRetryAttempts == 0)
        {
            return null;
        }

        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = retry.MaxRetryAttempts,
                Delay = TimeSpan.Zero,
                BackoffType = DelayBackoffType.Constant,
                UseJitter = false,
                ShouldHandle = args => new ValueTask<bool>(ShouldRetry(args.Context, args.Outcome)),
                DelayGenerator = args => new ValueTask<TimeSpan?>(RetryBackoffDelay.Compute(retry, args.AttemptNumber, _random)),
                OnRetry = args =>
                {
                    OnRetry(args);
                    return default;
                },
            })
            .Build();
    }

    private bool ShouldRetry(ResilienceContext context, in Outcome<HttpResponseMessage> outcome) =>
        context.Properties.TryGetValue(CallKey, out var call)
        && (outcome.Exception is not null || outcome.Result is not null)
        && RetryClassifier.MayRetry(call.Kind, call.Request, _settings.Retry.RetryNonIdempotent, outcome.Result, outcome.Exception);

    private void OnRetry(in OnRetryArguments<HttpResponseMessage> args)
    {
        if (!args.Context.Properties.TryGetValue(CallKey, out var call))
        {
            return;
        }

        var retryNumber = args.AttemptNumber + 1;
        _metrics?.Retry(call.ServiceHost);
        call.Activity?.SetTag("meshclient.retries", retryNumber);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            var target = retryNumber <= _settings.Retry.OnSame ? "the same endpoint" : "another endpoint";
            LogRetrying(_logger, call.Request.Method.Method, call.ServiceHost, retryNumber, target, call.Decision.Endpoint!.ToString(), Describe(args.Outcome), args.RetryDelay);
        }
    }

    private static Activity? StartActivity(in RouteDecision decision)
    {
        var activity = MeshActivitySource.Instance.StartActivity(MeshTelemetry.RouteActivityName, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("meshclient.service", decision.Service!.Host);
            activity.SetTag("meshclient.rule.number", decision.RuleNumber);
            activity.SetTag("meshclient.rule.precedence", decision.RulePrecedence);
            activity.SetTag("meshclient.subset", decision.Subset ?? string.Empty);
            activity.SetTag("meshclient.endpoint", decision.Endpoint!.ToString());
        }

        return activity;
    }

    private static void CompleteActivity(Activity activity, RoutedCall call, in Outcome<HttpResponseMessage> outcome)
    {
        if (activity.IsAllDataRequested)
        {
            // After a retry on another endpoint, the tag names the endpoint of the last attempt.
            activity.SetTag("meshclient.endpoint", call.Decision.Endpoint!.ToString());
            activity.SetTag("meshclient.subset", call.Decision.Subset ?? string.Empty);
            activity.SetTag("meshclient.attempts", call.Attempts);
        }

        if (outcome.Exception is { } exception)
        {
            activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        }
        else if ((int)outcome.Result!.StatusCode >= 500)
        {
            activity.SetStatus(ActivityStatusCode.Error, string.Create(CultureInfo.InvariantCulture, $"status {(int)outcome.Result.StatusCode}"));
        }
    }
}
