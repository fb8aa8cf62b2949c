using System.Security.Authentication;

namespace MeshClient.Http;

/// <summary>
/// The workload certificate files cannot be used (missing, unreadable, or not a certificate and matching key) and no
/// earlier generation is loaded. The message names the file and the problem, never the files' contents.
/// </summary>
internal sealed class WorkloadCertificateException : AuthenticationException
{
    public WorkloadCertificateException(string message)
        : base(message)
    {
    }

    public WorkloadCertificateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
