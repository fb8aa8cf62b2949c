namespace MeshClient.Xds.Protocol;

/// <summary>How a failed connection attempt is logged: see <see cref="ReconnectLogPolicy"/>.</summary>
internal sealed partial class AdsClient
{
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
