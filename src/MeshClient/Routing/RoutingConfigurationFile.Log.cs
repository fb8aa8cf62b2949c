using Microsoft.Extensions.Logging;

namespace MeshClient.Routing;

/// <content>Log messages of the watched routing configuration file.</content>
internal sealed partial class RoutingConfigurationFile<T>
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Error, Message = "{Error}; the last good configuration stays in force")]
    private static partial void LogReloadFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Error, Message = "Reloading {File} failed unexpectedly; the last good configuration stays in force")]
    private static partial void LogReloadCrashed(ILogger logger, string file, Exception exception);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Watching the directory of {File} reported an error; checking the file")]
    private static partial void LogWatcherError(ILogger logger, string file, Exception exception);

    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Reloaded routing configuration from {File}")]
    private static partial void LogReloaded(ILogger logger, string file);
}
