using Microsoft.Extensions.Logging;

namespace MeshClient.Http;

/// <content>Log messages of mTLS to peers (EventIds 4210-4219). Never key material.</content>
internal sealed partial class PeerTlsConnector
{
    [LoggerMessage(EventId = 4210, Level = LogLevel.Warning, Message = "{Reason}")]
    private static partial void LogHandshakeFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 4211, Level = LogLevel.Error, Message = "No mTLS to peer {Peer}: {Problem}")]
    private static partial void LogNoWorkloadCertificate(ILogger logger, string peer, string problem);
}
