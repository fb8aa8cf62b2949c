using Microsoft.Extensions.Logging;

namespace MeshClient.Testing;

public sealed partial class FakePilot
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "FakePilot listening on {Address}.")]
    private static partial void LogStarted(ILogger logger, Uri address);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "FakePilot on {Address} stopped.")]
    private static partial void LogStopped(ILogger logger, Uri address);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "FakePilot opened stream {StreamId} on {Path}.")]
    private static partial void LogStreamOpened(ILogger logger, int streamId, string path);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "FakePilot refused a stream on {Path}.")]
    private static partial void LogStreamRefused(ILogger logger, string path);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "FakePilot refused a stream on {Path}: no valid bearer token.")]
    private static partial void LogStreamUnauthenticated(ILogger logger, string path);
}
