using System.Diagnostics;
using MeshClient.Registry;
using MeshClient.Resilience;
using MeshClient.Routing;
using Polly;

namespace MeshClient.Http;

/// <summary>
/// A call through <see cref="MeshRoutingHandler"/> once a retry is due (the first attempt needs no such object): the
/// request, its logical URI, the decision of the current attempt, the endpoints tried, and the call's timeout.
/// </summary>
internal sealed class RoutedCall : IRetryableCall
{
    private readonly MeshRoutingHandler _handler;

    public RoutedCall(MeshRoutingHandler handler, HttpRequestMessage request, Uri originalUri, RouteDecision decision, CallKind kind, Activity? activity)
    {
        _handler = handler;
        Request = request;
        OriginalUri = originalUri;
        Decision = decision;
        Kind = kind;
        Activity = activity;
    }

    public HttpRequestMessage Request { get; }

    /// <summary>The URI the caller gave (logical host), restored when the call ends.</summary>
    public Uri OriginalUri { get; }

    /// <summary>The decision of the current attempt.</summary>
    public RouteDecision Decision { get; set; }

    public CallKind Kind { get; }

    /// <summary>The routing activity, when a listener records it.</summary>
    public Activity? Activity { get; }

    /// <summary>Attempts started so far.</summary>
    public int Attempts { get; set; }

    /// <summary>The endpoints earlier attempts went to, once a retry moves to another endpoint.</summary>
    public List<MeshEndpoint>? Tried { get; set; }

    /// <summary>The caller's token: its cancellation is the caller's choice, never an endpoint's failure.</summary>
    public CancellationToken CallerToken { get; init; }

    /// <summary>Cancels the call when its timeout (Mesh:Timeout) passes; <see langword="null"/> without a timeout.</summary>
    public CancellationTokenSource? TimeoutSource { get; init; }

    /// <summary>Whether the call's timeout, not the caller, cancelled it.</summary>
    public bool TimedOut => !CallerToken.IsCancellationRequested && TimeoutSource is { IsCancellationRequested: true };

    /// <summary>The service's host, for metrics and messages.</summary>
    public string ServiceHost => Decision.Service?.Host ?? Decision.RequestedService;

    /// <summary>The endpoint of the current attempt.</summary>
    public string LastEndpoint => Decision.Endpoint!.ToString();

    /// <inheritdoc />
    public ValueTask<Outcome<HttpResponseMessage>> SendAttemptAsync(CancellationToken cancellationToken) =>
        _handler.SendRetryAsync(this, cancellationToken);
}
