using System.Diagnostics;
using System.Globalization;
using MeshClient.Routing;

namespace MeshClient.Diagnostics;

/// <summary>
/// The <see cref="MeshTelemetry.RouteActivityName"/> activity of one routed call: started with the decision's tags,
/// tagged with each retry, completed with the last attempt's endpoint and the outcome. Costs nothing (no activity)
/// when no listener records the <c>MeshClient</c> source.
/// </summary>
internal static class RouteActivity
{
    /// <summary>Starts the activity of a call routed by <paramref name="decision"/>, or returns <see langword="null"/> when nobody listens.</summary>
    public static Activity? Start(in RouteDecision decision)
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

    /// <summary>Tags the number of the retry about to start (1 for the first retry).</summary>
    public static void Retrying(Activity? activity, int retryNumber) => activity?.SetTag("meshclient.retries", retryNumber);

    /// <summary>
    /// Completes the tags with the last attempt (after a retry on another endpoint, its endpoint and subset) and sets
    /// the status: an error for an exception or a 5xx.
    /// </summary>
    /// <param name="activity">The call's activity.</param>
    /// <param name="last">The decision of the last attempt.</param>
    /// <param name="attempts">The attempts made.</param>
    /// <param name="response">The response, when the call got one.</param>
    /// <param name="exception">The call's failure, when it got no response.</param>
    public static void Complete(Activity activity, in RouteDecision last, int attempts, HttpResponseMessage? response, Exception? exception)
    {
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("meshclient.endpoint", last.Endpoint!.ToString());
            activity.SetTag("meshclient.subset", last.Subset ?? string.Empty);
            activity.SetTag("meshclient.attempts", attempts);
        }

        if (exception is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        }
        else if (response is not null && (int)response.StatusCode >= 500)
        {
            activity.SetStatus(ActivityStatusCode.Error, string.Create(CultureInfo.InvariantCulture, $"status {(int)response.StatusCode}"));
        }
    }
}
