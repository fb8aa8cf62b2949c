using Microsoft.Extensions.Logging;

namespace MeshClient.Resilience;

/// <content>Log messages of outcome reporting (EventId 4002, in the HTTP handler's range, for HTTP and gRPC alike).</content>
internal sealed partial class EndpointOutcomeReporter
{
    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Ejected endpoint {Endpoint} of {Service} for {EjectionTime} after {Failures} consecutive failures (connection failures, timeouts, 5xx or gRPC UNAVAILABLE)")]
    private static partial void LogEndpointEjected(ILogger logger, string endpoint, string service, TimeSpan ejectionTime, int failures);
}
