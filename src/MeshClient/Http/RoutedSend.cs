using System.Diagnostics;
using System.Runtime.CompilerServices;
using MeshClient.Diagnostics;
using MeshClient.LoadBalancing;
using MeshClient.Resilience;
using MeshClient.Routing;
using Polly;

namespace MeshClient.Http;

/// <summary>
/// One routed call through <see cref="MeshRoutingHandler"/>, as a reusable state machine: sets the call up (activity,
/// timeout, endpoint URI, Host header), sends the first attempt, and when it completes reports it and ends the call,
/// or hands it to the retry pipeline when a retry is due. The handler keeps a pool of these, so a call allocates only
/// the task its caller awaits, not a state machine holding the call's state. That task is a plain one from an
/// <see cref="AsyncTaskMethodBuilder{TResult}"/> (as an async method's would be, without the state machine's box),
/// completed when the call ends; the object goes back to the pool just before, so its caller's continuation never
/// calls back into it (no <c>IValueTaskSource</c> wrapped by <c>AsTask</c>, no result callback).
/// </summary>
internal sealed class RoutedSend
{
    private const string HostHeader = "Host";

    private readonly Action _onSent;
    private AsyncTaskMethodBuilder<HttpResponseMessage> _result;
    private ConfiguredTaskAwaitable<HttpResponseMessage>.ConfiguredTaskAwaiter _sent;
    private MeshRoutingHandler? _handler;
    private HttpRequestMessage? _request;
    private Uri? _original;
    private RouteDecision _decision;
    private CancellationToken _callerToken;
    private ExecutionContext? _context;
    private Activity? _activity;
    private CallKind _kind;
    private CancellationTokenSource? _timeoutSource;
    private CancellationTokenRegistration _callerLink;
    private bool _hostAdded;
    private EndpointCall _endpointCall;

    public RoutedSend() => _onSent = OnSent;

    /// <summary>Starts the call; the task completes with the response, or fails as the call did.</summary>
    public Task<HttpResponseMessage> Start(MeshRoutingHandler handler, HttpRequestMessage request, Uri original, in RouteDecision decision, CancellationToken cancellationToken)
    {
        _handler = handler;
        _request = request;
        _original = original;
        _decision = decision;
        _callerToken = cancellationToken;
        var callerActivity = Activity.Current;
        var activity = RouteActivity.Start(decision);
        _activity = activity;

        // The rest of the call runs in the caller's execution context as an async method would (log scopes, and the
        // route activity as the current one).
        _context = ExecutionContext.Capture();

        // Mesh:Timeout bounds the whole call, retries and backoff included, up to the response headers. gRPC calls
        // carry their own deadline (grpc-timeout), and a server-streaming call cannot be told from a unary one, so
        // the mesh timeout is for plain HTTP only.
        _kind = RetryClassifier.Classify(request);
        var timeoutSource = _kind == CallKind.Http && handler.Settings.Timeout is { } limit ? handler.Timeouts.Rent(limit) : null;
        _timeoutSource = timeoutSource;
        _callerLink = timeoutSource is null
            ? default
            : cancellationToken.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), timeoutSource);
        var target = EndpointRequestTarget.Of(decision.Endpoint!).For(original);
        _hostAdded = handler.Settings.PreserveHostHeader
            && !request.Headers.NonValidated.Contains(HostHeader)
            && request.Headers.TryAddWithoutValidation(HostHeader, target.Host);
        request.RequestUri = target.Uri;
        PeerTlsRequest.Apply(request, decision, decision.Endpoint!);
        _endpointCall = handler.Router.BeginCall(decision);

        // The task is created now, before the call can complete on another thread (the builder is no lock).
        _result = AsyncTaskMethodBuilder<HttpResponseMessage>.Create();
        var result = _result.Task;
        Task<HttpResponseMessage> sent;
        try
        {
            sent = handler.SendToEndpoint(request, timeoutSource?.Token ?? cancellationToken);
        }
        catch (Exception exception)
        {
            sent = Task.FromException<HttpResponseMessage>(exception);
        }

        _sent = sent.ConfigureAwait(false).GetAwaiter();
        if (_sent.IsCompleted)
        {
            OnSent();
        }
        else
        {
            _sent.UnsafeOnCompleted(_onSent);
        }

        // From here on the call may be complete and its fields cleared (or reused): only locals are read.
        if (activity is not null)
        {
            // The route activity is current below this handler only, as it was inside an async method.
            Activity.Current = callerActivity;
        }

        return result;
    }

    /// <summary>The first attempt has its response headers, or failed.</summary>
    private void OnSent()
    {
        if (_context is { } context)
        {
            ExecutionContext.Run(context, static send => ((RoutedSend)send!).Sent(), this);
        }
        else
        {
            Sent();
        }
    }

    private void Sent()
    {
        var handler = _handler!;
        var request = _request!;
        Outcome<HttpResponseMessage> outcome;
        try
        {
            var response = _sent.GetResult();
            outcome = handler.Answered(request, _kind, _decision, _endpointCall, response);
        }
        catch (Exception exception)
        {
            outcome = handler.Failed(request, _original!, _decision, 1, _endpointCall, exception, _callerToken, _timeoutSource);
        }

        _sent = default;
        if (handler.Retry is { } retry && retry.IsRetryDue(_kind, request, outcome))
        {
            // The rare path: completes the call when the retries are done.
            _ = RetryThenCompleteAsync(outcome);
            return;
        }

        Complete(outcome, attempts: 1);
    }

    private async Task RetryThenCompleteAsync(Outcome<HttpResponseMessage> first)
    {
        var handler = _handler!;
        var call = new RoutedCall(handler, _request!, _original!, _decision, _kind, _activity)
        {
            Attempts = 1,
            CallerToken = _callerToken,
            TimeoutSource = _timeoutSource,
        };
        Outcome<HttpResponseMessage> outcome;
        try
        {
            outcome = await handler.Retry!.RetryAsync(call, first, _timeoutSource?.Token ?? _callerToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            outcome = Outcome.FromException<HttpResponseMessage>(exception);
        }

        _decision = call.Decision;
        if (call.TimedOut && outcome.Exception is OperationCanceledException and not TaskCanceledException { InnerException: TimeoutException })
        {
            // The timeout passed during a retry's backoff, between attempts.
            outcome = Outcome.FromException<HttpResponseMessage>(MeshCallErrors.Timeout(
                _request!, _original!, call.ServiceHost, _decision.Endpoint!, call.Attempts, handler.Settings.Timeout!.Value, outcome.Exception));
        }

        Complete(outcome, call.Attempts);
    }

    /// <summary>
    /// Ends the call: completes the activity, restores the request, gives back the timeout and this object, and
    /// completes the caller's task.
    /// </summary>
    private void Complete(in Outcome<HttpResponseMessage> outcome, int attempts)
    {
        var handler = _handler!;
        var request = _request!;
        var activity = _activity;
        if (activity is not null)
        {
            RouteActivity.Complete(activity, _decision, attempts, outcome.Result, outcome.Exception);
        }

        request.RequestUri = _original;
        if (_hostAdded)
        {
            request.Headers.Remove(HostHeader);
        }

        _callerLink.Dispose();
        if (_timeoutSource is { } timeoutSource)
        {
            handler.Timeouts.Return(timeoutSource);
        }

        activity?.Dispose();
        _request = null;
        _original = null;
        _decision = default;
        _callerToken = default;
        _context = null;
        _activity = null;
        _timeoutSource = null;
        _callerLink = default;
        _endpointCall = default;
        var result = _result;
        _result = default;
        _handler = null;
        handler.Sends.Return(this);

        // Last, from locals only: the caller's continuation may run here, and this object may serve another call.
        // An OperationCanceledException cancels the task, as an async method's would.
        if (outcome.Exception is { } exception)
        {
            result.SetException(exception);
        }
        else
        {
            result.SetResult(outcome.Result!);
        }
    }
}
