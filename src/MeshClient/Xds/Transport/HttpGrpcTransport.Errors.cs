using Grpc.Core;

namespace MeshClient.Xds.Transport;

/// <summary>
/// The transport's failures as the ADS client reports them: with what the TLS stack and the server leave out, and
/// never with the bearer token.
/// </summary>
internal sealed partial class HttpGrpcTransport
{
    /// <summary>
    /// The call's failure with what the TLS stack and the server leave out: which certificate check failed, that a
    /// rejected stream carried no token; and without the token, should a server echo it.
    /// </summary>
    private GrpcCallException Translate(RpcException exception)
    {
        var detail = exception.Status.Detail ?? string.Empty;
        if (_validator?.LastRejection is { } rejection && IsTlsFailure(exception))
        {
            return new GrpcCallException(exception.StatusCode, $"TLS handshake with Pilot failed: {rejection}", exception);
        }

        if (_clientCertificate?.LastProblem is { } certificateProblem && MayBeRefusedCertificate(exception))
        {
            // Pilot may refuse the previous certificate (expired, or its CA rotated): say why a new one was not sent.
            detail = detail.Length == 0 ? certificateProblem : $"{detail} ({certificateProblem})";
        }

        var hint = exception.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied && _token is null
            ? "no token was sent (no token file is configured)"
            : null;
        if (_token is { } token && (token.Reveals(detail) || token.Reveals(exception.Message) || token.Reveals(exception.Status.DebugException?.ToString())))
        {
            // Not even as the inner exception: its message would carry the token into logs.
            return new GrpcCallException(exception.StatusCode, token.Redact(detail));
        }

        return new GrpcCallException(exception.StatusCode, detail, exception, hint);
    }

    /// <summary>
    /// Whether the failure can be Pilot refusing the client certificate: a failed handshake, or (TLS 1.3 checks the
    /// client's certificate after the client's side of the handshake) a connection that failed or was refused.
    /// </summary>
    private static bool MayBeRefusedCertificate(RpcException exception) =>
        IsTlsFailure(exception) || exception.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unauthenticated or StatusCode.PermissionDenied;

    private static bool IsTlsFailure(RpcException exception)
    {
        for (Exception? e = exception.Status.DebugException ?? exception.InnerException; e is not null; e = e.InnerException)
        {
            if (e is System.Security.Authentication.AuthenticationException)
            {
                return true;
            }
        }

        return false;
    }
}
