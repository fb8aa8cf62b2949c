using Grpc.Core;
using MeshClient.Xds.Transport;

namespace MeshClient.Xds.Protocol;

/// <summary>How a failed connection attempt is described and logged: see <see cref="ReconnectLogPolicy"/>.</summary>
internal sealed partial class AdsClient
{
    /// <summary>The prefix of the error (logs, registry, health) when Pilot refuses the stream's credentials.</summary>
    internal const string TokenRejected = "token rejected by Pilot";

    /// <summary>
    /// A failed call, in words: UNAUTHENTICATED and PERMISSION_DENIED say the token was rejected (the reconnect backoff
    /// still applies: a rejected token is retried as the file may rotate, never in a tight loop).
    /// </summary>
    private static string DescribeCall(GrpcCallException exception) => exception.StatusCode switch
    {
        StatusCode.Unauthenticated or StatusCode.PermissionDenied =>
            $"{TokenRejected} ({exception.StatusCode}{(exception.Detail.Length > 0 ? ": " + exception.Detail : string.Empty)}{(exception.Hint.Length > 0 ? "; " + exception.Hint : string.Empty)}); check the service-account token file and the audience istiod expects",
        _ => exception.Message,
    };

    private void LogFailure(int failures, long failingSince, string error, TimeSpan delay)
    {
        switch (ReconnectLogPolicy.Decide(failures))
        {
            case ReconnectLogLine.Attempt:
                Log.Reconnecting(_logger, failures, error, delay);
                break;
            case ReconnectLogLine.Summary:
                Log.ReconnectSummary(_logger, failures, _timeProvider.GetElapsedTime(failingSince), error, delay, ReconnectLogPolicy.NextSummary(failures));
                break;
            default:
                Log.ReconnectingQuietly(_logger, failures, error, delay);
                break;
        }
    }
}
