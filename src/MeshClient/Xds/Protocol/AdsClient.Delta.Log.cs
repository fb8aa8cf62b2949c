using Microsoft.Extensions.Logging;

namespace MeshClient.Xds.Protocol;

/// <summary>Log messages of delta xDS and on-demand EDS, event ids 1060-1069.</summary>
internal sealed partial class AdsClient
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1060, Level = LogLevel.Debug, Message = "Sending delta {TypeUrl}: subscribe {Subscribe}, unsubscribe {Unsubscribe}, initial versions {InitialVersions}, nonce '{Nonce}', NACK {IsNack}.")]
        public static partial void SendingDelta(ILogger logger, string typeUrl, int subscribe, int unsubscribe, int initialVersions, string nonce, bool isNack);

        [LoggerMessage(EventId = 1061, Level = LogLevel.Debug, Message = "Received delta {TypeUrl} (system version '{Version}', nonce '{Nonce}'): {Resources} resources, {Removed} removed.")]
        public static partial void DeltaReceived(ILogger logger, string typeUrl, string version, string nonce, int resources, int removed);

        [LoggerMessage(EventId = 1062, Level = LogLevel.Information, Message = "On-demand EDS: subscribing {Added} and unsubscribing {Removed} load assignments ({Total} subscribed).")]
        public static partial void OnDemandChanged(ILogger logger, int added, int removed, int total);

        [LoggerMessage(EventId = 1063, Level = LogLevel.Information, Message = "Pilot removed EDS resource {Name}: its cluster has no endpoints now.")]
        public static partial void EndpointsRemoved(ILogger logger, string name);
    }
}
