using Microsoft.Extensions.Logging;

namespace MeshClient.Http;

/// <content>Log messages of the sidecar handler (EventIds 4000-4099, shared range with <see cref="MeshRoutingHandler"/>).</content>
internal sealed partial class SidecarRoutingHandler
{
    [LoggerMessage(EventId = 4050, Level = LogLevel.Debug, Message = "Sidecar mode: {Uri} sent to {Rewritten}")]
    private static partial void LogRewritten(ILogger logger, Uri uri, Uri rewritten);
}
