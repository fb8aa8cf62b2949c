using MeshClient.LoadBalancing;
using MeshClient.Resilience;
using MeshClient.Routing;
using Polly;

namespace MeshClient.Http;

/// <summary>
/// The handler's attempts: the retry pipeline's attempts after the first, and how any attempt's end (a response, or a
/// failure without one) is reported to the endpoint's in-flight count, outlier detection and metrics.
/// </summary>
internal sealed partial class MeshRoutingHandler
{
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

    /// <summary>Sends the request, whose URI is the endpoint's already, to the inner handler.</summary>
    internal Task<HttpResponseMessage> SendToEndpoint(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);

    /// <summary>An attempt of a retried call: sends to the current decision's endpoint and reports the outcome.</summary>
    private async ValueTask<Outcome<HttpResponseMessage>> SendAttemptAsync(RoutedCall call, CancellationToken cancellationToken)
    {
        var decision = call.Decision;
        var request = call.Request;
        request.RequestUri = EndpointRequestTarget.Of(decision.Endpoint!).For(call.OriginalUri).Uri;
        PeerTlsRequest.Apply(request, decision, decision.Endpoint!);
        var endpointCall = _router.BeginCall(decision);
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return Answered(request, call.Kind, decision, endpointCall, response);
        }
        catch (Exception exception)
        {
            return Failed(request, call.OriginalUri, decision, call.Attempts, endpointCall, exception, call.CallerToken, call.TimeoutSource);
        }
    }

    /// <summary>
    /// An attempt got a response: its outcome is known at the headers and reported; the call stays in flight until
    /// its content is read or disposed, unless the response has no content to wait for.
    /// </summary>
    internal Outcome<HttpResponseMessage> Answered(HttpRequestMessage request, CallKind kind, in RouteDecision decision, EndpointCall endpointCall, HttpResponseMessage response)
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
    internal Outcome<HttpResponseMessage> Failed(
        HttpRequestMessage request,
        Uri original,
        in RouteDecision decision,
        int attempts,
        EndpointCall endpointCall,
        Exception exception,
        CancellationToken callerToken,
        CancellationTokenSource? timeoutSource)
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
            var timeout = _settings.Timeout!.Value;
            LogAttemptTimedOut(_logger, service, endpoint.ToString(), timeout);
            return Outcome.FromException<HttpResponseMessage>(MeshCallErrors.Timeout(request, original, service, endpoint, attempts, timeout, exception));
        }

        return Outcome.FromException<HttpResponseMessage>(exception);
    }
}
