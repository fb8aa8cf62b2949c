using Microsoft.Extensions.Logging;

namespace MeshClient.DependencyInjection;

internal sealed partial class MeshDiscoveryHostedService
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Discovering services from Pilot at {Address} over xDS {Version}")]
    private static partial void LogStarted(ILogger logger, string address, string version);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Synced with Pilot: {Clusters} clusters")]
    private static partial void LogSynced(ILogger logger, int clusters);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Not synced with Pilot at {Address} within {Wait}; starting anyway and serving what arrives later. Last error: {Error}")]
    private static partial void LogNotSynced(ILogger logger, string address, TimeSpan wait, string error);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogUnknownOption(ILogger logger, string warning);
}
