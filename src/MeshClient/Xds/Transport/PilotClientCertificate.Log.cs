using Microsoft.Extensions.Logging;

namespace MeshClient.Xds.Transport;

internal sealed partial class PilotClientCertificate
{
    [LoggerMessage(EventId = 1040, Level = LogLevel.Information, Message = "Pilot client certificate '{File}' reloaded: a new certificate, valid until {NotAfter:u}, is presented from now on.")]
    private static partial void LogRotated(ILogger logger, string file, DateTime notAfter);

    [LoggerMessage(EventId = 1041, Level = LogLevel.Warning, Message = "Pilot client certificate not reloaded: {Problem}.")]
    private static partial void LogRotationFailed(ILogger logger, string problem);
}
