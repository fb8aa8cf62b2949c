using Microsoft.Extensions.Logging;

namespace MeshClient.ServiceDiscovery;

internal sealed partial class MeshServiceEndpointProvider
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Service discovery for '{Query}': endpoints from an earlier provider (configuration) win; MeshClient adds none.", EventName = "SkippedForEarlierProvider")]
        public static partial void SkippedForEarlierProvider(ILogger logger, string query);

        [LoggerMessage(2, LogLevel.Debug, "Service discovery for '{Query}': {Count} routable endpoints from Pilot (registry version {Version}).", EventName = "Resolved")]
        public static partial void Resolved(ILogger logger, string query, int count, long version);

        [LoggerMessage(3, LogLevel.Debug, "Service discovery for '{Query}': Pilot names no routable endpoint of it (registry version {Version}); the next provider answers, a push that adds one refreshes.", EventName = "NoEndpoints")]
        public static partial void NoEndpoints(ILogger logger, string query, long version);
    }
}
