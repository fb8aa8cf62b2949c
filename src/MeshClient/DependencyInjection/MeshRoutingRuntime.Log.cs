using Microsoft.Extensions.Logging;

namespace MeshClient.DependencyInjection;

internal sealed partial class MeshRoutingRuntime
{
    [LoggerMessage(EventId = 5010, Level = LogLevel.Error, Message = "DestinationRule files rejected, the last good rules stay: {Reason}")]
    private static partial void LogDestinationRulesRejected(ILogger logger, string reason);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Information, Message = "Route rules reloaded from configuration section {Section}.")]
    private static partial void LogConfiguredRulesReloaded(ILogger logger, string section);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Error, Message = "Route rules in configuration rejected, the last good rules stay: {Reason}")]
    private static partial void LogConfiguredRulesRejected(ILogger logger, string reason);
}
