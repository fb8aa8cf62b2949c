namespace MeshClient.Diagnostics;

/// <summary>
/// The names MeshClient's telemetry is published under, for OpenTelemetry's <c>AddMeter</c> and <c>AddSource</c>.
/// </summary>
/// <example>
/// <code>
/// services.AddOpenTelemetry()
///     .WithMetrics(m =&gt; m.AddMeter(MeshTelemetry.MeterName))
///     .WithTracing(t =&gt; t.AddSource(MeshTelemetry.ActivitySourceName));
/// </code>
/// </example>
public static class MeshTelemetry
{
    /// <summary>
    /// The meter: <c>meshclient.xds.*</c> (stream state, responses, ACKs, NACKs, reconnects),
    /// <c>meshclient.registry.*</c> (clusters, endpoints), <c>meshclient.routing.decisions</c> (by service and subset),
    /// <c>meshclient.http.retries</c> and <c>meshclient.outlier.ejections</c>.
    /// </summary>
    public const string MeterName = "MeshClient";

    /// <summary>The activity source of routed calls.</summary>
    public const string ActivitySourceName = "MeshClient";

    /// <summary>
    /// The name of the activity each routed call records, tagged <c>meshclient.service</c>, <c>meshclient.rule.number</c> (counted from 1),
    /// <c>meshclient.rule.precedence</c>, <c>meshclient.subset</c>, <c>meshclient.endpoint</c> and <c>meshclient.attempts</c>.
    /// </summary>
    public const string RouteActivityName = "MeshClient.Route";
}
