using Microsoft.Extensions.Logging;

namespace MeshClient.Routing;

/// <content>Log messages of the watched routing configuration file.</content>
public sealed partial class RoutingConfigurationFile<T>
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Error, Message = "{File}:{Line}:{Column}: {Reason}; the last good configuration stays in force")]
    private static partial void LogReloadFailed(ILogger logger, string file, int line, int column, string reason);

    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Reloaded routing configuration from {File}")]
    private static partial void LogReloaded(ILogger logger, string file);
}
