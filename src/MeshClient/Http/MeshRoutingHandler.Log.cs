using MeshClient.Routing;
using Microsoft.Extensions.Logging;

namespace MeshClient.Http;

/// <content>
/// Log messages of the mesh handler (EventIds 4000-4099; 4001, retries, is <c>MeshRetryPipeline</c>'s and 4002,
/// ejections, <c>EndpointOutcomeReporter</c>'s, in Resilience).
/// </content>
internal sealed partial class MeshRoutingHandler
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Debug, Message = "{Method} {Uri} routed: {Decision}")]
    private static partial void LogRouted(ILogger logger, string method, Uri uri, string decision);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Debug, Message = "Host {Host} is not a mesh service; the request is sent as it is")]
    private static partial void LogUnknownHostPassedThrough(ILogger logger, string host);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Host {Host} is not a mesh service and unknown hosts fail (Mesh:Routing:UnknownHost)")]
    private static partial void LogUnknownHostRejected(ILogger logger, string host);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "No endpoint for {Service}: {Failure}")]
    private static partial void LogNoEndpoint(ILogger logger, string service, RouteFailure failure);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "A call to {Service} at {Endpoint} timed out after {Timeout}")]
    private static partial void LogAttemptTimedOut(ILogger logger, string service, string endpoint, TimeSpan timeout);
}
