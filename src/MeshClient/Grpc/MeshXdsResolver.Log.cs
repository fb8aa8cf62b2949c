using Microsoft.Extensions.Logging;

namespace MeshClient.Grpc;

/// <summary>The resolver's log messages.</summary>
internal sealed partial class MeshXdsResolver
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Debug, Message = "xds:/// channel {Address} resolved to {Count} endpoint(s): {Endpoints}")]
    private static partial void LogPublished(ILogger logger, Uri address, int count, string endpoints);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "xds:/// channel {Address} has no endpoint: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, Uri address, string reason);
}
