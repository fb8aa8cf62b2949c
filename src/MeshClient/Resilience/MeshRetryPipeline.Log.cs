using Microsoft.Extensions.Logging;

namespace MeshClient.Resilience;

/// <content>Log messages of retries (EventId 4001, in the HTTP handler's range).</content>
internal sealed partial class MeshRetryPipeline
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Retrying {Method} to {Service} (retry {Retry}) on {Target} after {Endpoint} answered {Outcome}; delay {Delay}")]
    private static partial void LogRetrying(ILogger logger, string method, string service, int retry, string target, string endpoint, string outcome, TimeSpan delay);
}
