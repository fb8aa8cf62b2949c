using Microsoft.Extensions.Logging;

namespace MeshClient.DependencyInjection;

internal sealed partial class MeshRoutingRuntime
{
    [LoggerMessage(EventId = 5010, Level = LogLevel.Error, Message = "DestinationRule files rejected, the last good rules stay: {Reason}")]
    private static partial void LogDestinationRulesRejected(ILogger logger, string reason);
}
