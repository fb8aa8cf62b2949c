using Microsoft.Extensions.Logging;

namespace MeshClient.Grpc;

/// <summary>The log messages of xds:/// picks.</summary>
internal sealed partial class MeshCallRouting
{
    [LoggerMessage(EventId = 4110, Level = LogLevel.Debug, Message = "gRPC call to xds:///{Target} routed: {Decision}")]
    private static partial void LogRouted(ILogger logger, string target, string decision);
}
