using Microsoft.Extensions.Logging;

namespace MeshClient.Xds.Protocol;

/// <summary>Log messages of the ADS client, event ids 1000-1099.</summary>
/// <remarks>
/// These calls mark the points a metrics meter will count later (streams started and failed, ACKs, NACKs,
/// missing resources, snapshots published).
/// </remarks>
internal sealed partial class AdsClient
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Opening ADS stream {MethodPath} (attempt {Attempt}).")]
        public static partial void Connecting(ILogger logger, string methodPath, int attempt);

        [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "ADS stream failed: {Error}")]
        public static partial void StreamFailed(ILogger logger, string error, Exception exception);

        [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Pilot closed the ADS stream.")]
        public static partial void StreamClosedByServer(ILogger logger);

        [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Pilot connection failed (attempt {Failures} in a row; next attempt in {Delay}): {Reason}")]
        public static partial void Reconnecting(ILogger logger, int failures, string reason, TimeSpan delay);

        [LoggerMessage(EventId = 1018, Level = LogLevel.Debug, Message = "Pilot connection failed (attempt {Failures} in a row; next attempt in {Delay}): {Reason}")]
        public static partial void ReconnectingQuietly(ILogger logger, int failures, string reason, TimeSpan delay);

        [LoggerMessage(EventId = 1019, Level = LogLevel.Warning, Message = "Pilot still unreachable: {Failures} failed attempts in a row over {Elapsed}, retrying every {Delay} or so (next summary after {NextSummary} failures; each attempt at Debug); last error: {Reason}")]
        public static partial void ReconnectSummary(ILogger logger, int failures, TimeSpan elapsed, string reason, TimeSpan delay, int nextSummary);

        [LoggerMessage(EventId = 1020, Level = LogLevel.Information, Message = "Connected to Pilot again after {Failures} failed attempts.")]
        public static partial void Recovered(ILogger logger, int failures);

        [LoggerMessage(EventId = 1021, Level = LogLevel.Debug, Message = "Opening ADS stream {MethodPath} (attempt {Attempt}).")]
        public static partial void ConnectingAgain(ILogger logger, string methodPath, int attempt);

        [LoggerMessage(EventId = 1004, Level = LogLevel.Debug, Message = "Received {TypeUrl} version \"{Version}\" nonce \"{Nonce}\" with {Count} resources.")]
        public static partial void ResponseReceived(ILogger logger, string typeUrl, string version, string nonce, int count);

        [LoggerMessage(EventId = 1005, Level = LogLevel.Debug, Message = "ACKed {TypeUrl} version \"{Version}\" nonce \"{Nonce}\".")]
        public static partial void Acked(ILogger logger, string typeUrl, string version, string nonce);

        [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Rejected (NACK) {Kind} version \"{Version}\" nonce \"{Nonce}\": {Problem}")]
        public static partial void Rejected(ILogger logger, string kind, string version, string nonce, string problem);

        [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "Ignored a response of type {TypeUrl} (nonce \"{Nonce}\"): this client did not subscribe to it.")]
        public static partial void UnknownTypeIgnored(ILogger logger, string typeUrl, string nonce);

        [LoggerMessage(EventId = 1008, Level = LogLevel.Debug, Message = "Ignored {Count} unrequested {TypeUrl} resources.")]
        public static partial void UnrequestedResourcesIgnored(ILogger logger, string typeUrl, int count);

        [LoggerMessage(EventId = 1009, Level = LogLevel.Debug, Message = "Subscribing to endpoints of {Count} clusters: {Names}")]
        public static partial void EndpointSubscriptionChanged(ILogger logger, int count, string names);

        [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "{TypeUrl} resource \"{Name}\" does not exist: not received within {Timeout}.")]
        public static partial void ResourceDoesNotExist(ILogger logger, string typeUrl, string name, TimeSpan timeout);

        [LoggerMessage(EventId = 1011, Level = LogLevel.Information, Message = "Synced with Pilot: {ClusterCount} clusters, {EdsCount} EDS subscriptions, registry version {Version}.")]
        public static partial void Synced(ILogger logger, int clusterCount, int edsCount, long version);

        [LoggerMessage(EventId = 1012, Level = LogLevel.Debug, Message = "Published registry version {Version} with {ClusterCount} clusters.")]
        public static partial void Published(ILogger logger, long version, int clusterCount);

        [LoggerMessage(EventId = 1013, Level = LogLevel.Trace, Message = "Sending {TypeUrl} request: version \"{Version}\", nonce \"{Nonce}\", {NameCount} names, NACK: {IsNack}.")]
        public static partial void Sending(ILogger logger, string typeUrl, string version, string nonce, int nameCount, bool isNack);

        [LoggerMessage(EventId = 1014, Level = LogLevel.Debug, Message = "Disposing the ADS call failed.")]
        public static partial void CallDisposeFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 1015, Level = LogLevel.Information, Message = "ADS client stopped.")]
        public static partial void Stopped(ILogger logger);

        [LoggerMessage(EventId = 1016, Level = LogLevel.Debug, Message = "Writing to the ADS stream failed ({Error}); reading how the stream ended.")]
        public static partial void WriteFailed(ILogger logger, string error);

        [LoggerMessage(EventId = 1017, Level = LogLevel.Warning, Message = "Skipping endpoints with a {AddressKind} address (first seen in {TypeUrl}): this client cannot call them. Logged once.")]
        public static partial void EndpointKindSkipped(ILogger logger, string addressKind, string typeUrl);
    }
}
