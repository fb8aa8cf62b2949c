using Microsoft.Extensions.Logging;

namespace MeshClient.Testing.Ads;

internal sealed partial class AdsStream
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "FakePilot stream {StreamId} received {Request}; answered: {Answered}.")]
    private static partial void LogRequestReceived(ILogger logger, int streamId, RecordedRequest request, bool answered);

    [LoggerMessage(EventId = 102, Level = LogLevel.Debug, Message = "FakePilot stream {StreamId} sent {Response}.")]
    private static partial void LogResponseSent(ILogger logger, int streamId, RecordedResponse response);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "FakePilot rejected stream {StreamId}: {Problem}")]
    private static partial void LogStreamRejected(ILogger logger, int streamId, string problem);

    [LoggerMessage(EventId = 104, Level = LogLevel.Debug, Message = "FakePilot stream {StreamId} ended ({How}).")]
    private static partial void LogStreamEnded(ILogger logger, int streamId, string how);

    [LoggerMessage(EventId = 105, Level = LogLevel.Debug, Message = "FakePilot stream {StreamId} could not write: {Reason}")]
    private static partial void LogWriteFailed(ILogger logger, int streamId, string reason);
}
