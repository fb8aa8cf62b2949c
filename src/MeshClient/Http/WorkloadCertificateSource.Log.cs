using Microsoft.Extensions.Logging;

namespace MeshClient.Http;

/// <content>Log messages of the workload certificate (EventIds 4200-4209). Never the files' contents.</content>
internal sealed partial class WorkloadCertificateSource
{
    [LoggerMessage(EventId = 4200, Level = LogLevel.Information, Message = "Workload certificate loaded from {File}: subject '{Subject}', SANs [{SubjectAltNames}], valid until {NotAfter:u}")]
    private static partial void LogLoaded(ILogger logger, string file, string subject, string subjectAltNames, DateTime notAfter);

    [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "The workload certificate from {File} expired at {NotAfter:u}; peers refuse it until istio-agent rotates it")]
    private static partial void LogExpired(ILogger logger, string file, DateTime notAfter);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Warning, Message = "The workload certificate files changed but do not load ({Problem}); the previous certificate stays in use")]
    private static partial void LogKeptPrevious(ILogger logger, string problem);
}
