using System.Collections.Immutable;
using Google.Protobuf;
using Grpc.Core;
using MeshClient.Testing.Resources;
using MeshClient.Xds.Protos.Discovery;

namespace MeshClient.Testing.Ads;

/// <summary>
/// A state-of-the-world request: decoded (reusing the previous request's decoded names when their bytes repeat) and
/// handled as Pilot does.
/// </summary>
internal sealed partial class AdsStream
{
    private byte[] _lastNamesBytes = [];
    private ImmutableArray<string> _lastNames = [];

    /// <summary>Parses and handles one state-of-the-world request; returns how the stream ends, or <see langword="null"/> to go on.</summary>
    private ReadOutcome? ReadStateOfTheWorld(ReadOnlySpan<byte> message, ref bool first)
    {
        DiscoveryRequest request;
        ImmutableArray<string> names;
        try
        {
            request = ParseRequest(message, out names);
        }
        catch (InvalidProtocolBufferException ex)
        {
            return new ReadOutcome(StatusCode.Internal, "Failed to deserialize the DiscoveryRequest: " + ex.Message);
        }

        if (FirstRequestProblem(ref first, request.Node) is { } problem)
        {
            _pilot.RecordRequest(this, request, names, isAck: false, isStale: false);
            return Rejected(problem);
        }

        Handle(request, names);
        return null;
    }

    /// <summary>
    /// Decodes a state-of-the-world request. Its <paramref name="names"/> are the previous request's list when their
    /// bytes are the same (then the returned message's own resource_names are empty and the names are not decoded
    /// again): a state-of-the-world ACK repeats every subscribed name, 10,000 strings at mesh scale.
    /// </summary>
    private DiscoveryRequest ParseRequest(ReadOnlySpan<byte> message, out ImmutableArray<string> names)
    {
        if (RequestNamesRange.TryFind(message, out var start, out var end) && end > start)
        {
            var range = message[start..end];
            if (range.SequenceEqual(_lastNamesBytes))
            {
                var rest = new byte[message.Length - range.Length];
                message[..start].CopyTo(rest);
                message[end..].CopyTo(rest.AsSpan(start));
                var withoutNames = DiscoveryRequest.Parser.ParseFrom(rest);
                names = _lastNames;
                return withoutNames;
            }

            var request = DiscoveryRequest.Parser.ParseFrom(message);
            names = [.. request.ResourceNames];
            _lastNamesBytes = range.ToArray();
            _lastNames = names;
            return request;
        }

        var whole = DiscoveryRequest.Parser.ParseFrom(message);
        names = [.. whole.ResourceNames];
        return whole;
    }

    /// <summary>Handles a state-of-the-world request whose resource_names are <paramref name="names"/>.</summary>
    private void Handle(DiscoveryRequest request, ImmutableArray<string> names)
    {
        var typeUrl = request.TypeUrl;
        var nonce = request.ResponseNonce;
        bool respond;
        bool isAck;
        bool isStale;
        lock (_gate)
        {
            var state = StateOf(typeUrl);

            isStale = state.Subscribed && !string.Equals(nonce, state.LatestNonce, StringComparison.Ordinal);
            isAck = request.ErrorDetail is null
                && state.LatestNonce is not null
                && string.Equals(nonce, state.LatestNonce, StringComparison.Ordinal)
                && string.Equals(request.VersionInfo, state.LatestVersion, StringComparison.Ordinal);

            if (request.ErrorDetail is not null)
            {
                // A NACK: Pilot logs it and sends nothing; the subscription stays as it was.
                respond = false;
            }
            else if (!state.Subscribed)
            {
                // The first request for the type on this stream (also after a reconnect, whatever its nonce).
                state.Subscribed = true;
                state.Names = names;
                respond = true;
            }
            else if (isStale)
            {
                respond = false;
            }
            else if (XdsTypeUrls.IsEndpoints(typeUrl) && names.IsEmpty)
            {
                // An EDS request with no names unsubscribes the type.
                state.Subscribed = false;
                state.Names = [];
                respond = false;
            }
            else
            {
                // An ACK: answered only when the subscribed names changed.
                var sameOrder = SameOrder(state.Names, names);
                respond = !sameOrder && !state.Names.ToHashSet(StringComparer.Ordinal).SetEquals(names);
                if (!sameOrder)
                {
                    state.Names = names;
                }
            }
        }

        // An ACK that repeats the subscribed names is recorded with the subscription's list (see ParseRequest), so the
        // recording keeps no copy of them.
        var recorded = _pilot.RecordRequest(this, request, names, isAck, isStale);
        LogRequestReceived(_logger, Id, recorded, respond);
        if (respond && _pilot.Store.Serves(typeUrl))
        {
            Enqueue(OutboundItem.Subscribed(typeUrl));
        }
    }

    /// <summary>Whether the request names the subscribed names in the same order (an ACK's are the same list, compared without allocating).</summary>
    private static bool SameOrder(ImmutableArray<string> subscribed, ImmutableArray<string> requested) =>
        subscribed == requested || subscribed.AsSpan().SequenceEqual(requested.AsSpan());
}
