using System.Collections.Immutable;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MeshClient.Testing.Resources;
using MeshClient.Xds.Protos.Discovery;
using DeltaResource = MeshClient.Xds.Protos.Discovery.Resource;

namespace MeshClient.Testing.Ads;

/// <summary>
/// A delta (incremental, <c>DeltaAggregatedResources</c>) stream, served as istiod serves one: the first request of a
/// type subscribes (CDS: <c>*</c> or no names is the wildcard; EDS by name) and declares the versions the client holds
/// (initial_resource_versions); later requests subscribe and unsubscribe names and ACK or NACK by nonce. Each push
/// sends only the resources whose version (a hash of their bytes) differs from what the client holds, and names the
/// resources gone in removed_resources; a push with no difference sends nothing, except that a new subscription of a
/// type is always answered.
/// </summary>
internal sealed partial class AdsStream
{
    /// <summary>Whether the stream is a delta stream.</summary>
    public bool IsDelta => string.Equals(MethodPath, AdsServiceMethods.DeltaV3.FullName, StringComparison.Ordinal);

    /// <summary>Parses and handles one delta request; returns how the stream ends, or <see langword="null"/> to go on.</summary>
    private ReadOutcome? ReadDelta(ReadOnlySpan<byte> message, ref bool first)
    {
        DeltaDiscoveryRequest request;
        try
        {
            request = DeltaDiscoveryRequest.Parser.ParseFrom(message);
        }
        catch (InvalidProtocolBufferException ex)
        {
            return new ReadOutcome(StatusCode.Internal, "Failed to deserialize the DeltaDiscoveryRequest: " + ex.Message);
        }

        if (FirstRequestProblem(ref first, request.Node) is { } problem)
        {
            _pilot.RecordDeltaRequest(this, request, isAck: false, isStale: false);
            return Rejected(problem);
        }

        HandleDelta(request);
        return null;
    }

    private void HandleDelta(DeltaDiscoveryRequest request)
    {
        var typeUrl = request.TypeUrl;
        var nonce = request.ResponseNonce;
        bool respond;
        bool isAck;
        bool isStale;
        lock (_gate)
        {
            var state = StateOf(typeUrl);

            isStale = nonce.Length > 0 && !string.Equals(nonce, state.LatestNonce, StringComparison.Ordinal);
            isAck = request.ErrorDetail is null && nonce.Length > 0 && !isStale;
            respond = false;
            if (!state.Subscribed)
            {
                state.Subscribed = true;
                state.Wildcard = XdsTypeUrls.IsCluster(typeUrl) && request.ResourceNamesSubscribe.Count == 0;
                foreach (var (name, version) in request.InitialResourceVersions)
                {
                    state.Sent[name] = version;
                }

                state.AnswerNext = true;
                respond = true;
            }

            // A plain ACK or NACK (no names to subscribe or unsubscribe) leaves the subscription as it is: with
            // 10,000 subscribed names, copying and sorting them on every ACK cost milliseconds per push.
            if (request.ResourceNamesSubscribe.Count > 0 || request.ResourceNamesUnsubscribe.Count > 0)
            {
                respond |= ChangeDeltaSubscription(state, request);
            }
        }

        var recorded = _pilot.RecordDeltaRequest(this, request, isAck, isStale);
        LogRequestReceived(_logger, Id, recorded, respond);
        if (respond && _pilot.Store.Serves(typeUrl))
        {
            Enqueue(OutboundItem.Subscribed(typeUrl));
        }
    }

    /// <summary>Applies a delta request's subscribe and unsubscribe lists; returns whether the request must be answered.</summary>
    private static bool ChangeDeltaSubscription(TypeState state, DeltaDiscoveryRequest request)
    {
        var respond = false;
        var names = state.Names.ToHashSet(StringComparer.Ordinal);
        foreach (var name in request.ResourceNamesSubscribe)
        {
            if (name == "*")
            {
                respond |= !state.Wildcard;
                state.Wildcard = true;
            }
            else
            {
                respond |= names.Add(name);
            }
        }

        foreach (var name in request.ResourceNamesUnsubscribe)
        {
            if (name == "*")
            {
                state.Wildcard = false;
            }
            else if (names.Remove(name))
            {
                state.Sent.Remove(name);
            }
        }

        state.Names = [.. names.Order(StringComparer.Ordinal)];
        return respond;
    }

    private async Task SendDeltaAsync(OutboundItem item, CancellationToken cancellationToken)
    {
        List<(string Name, Any Body)> current;
        ImmutableArray<string> scope;
        bool wildcard;
        if (item.Kind == OutboundKind.RawResponse)
        {
            current = [.. item.Resources.Select((any, i) => (NameOf(any, i), any))];
            scope = [];
            wildcard = false;
        }
        else
        {
            lock (_gate)
            {
                if (!_types.TryGetValue(item.TypeUrl, out var state) || !state.Subscribed)
                {
                    return;
                }

                wildcard = state.Wildcard;
                scope = item.Kind == OutboundKind.PartialEndpoints ? [.. item.Names.Where(state.Names.Contains)] : state.Names;
            }

            if (item.Kind == OutboundKind.PartialEndpoints && scope.IsEmpty)
            {
                return;
            }

            var content = _pilot.Store.Build(item.TypeUrl, scope);
            if (content is null)
            {
                return;
            }

            current = [.. content.Resources.Select((any, i) => (content.Names[i].Length > 0 ? content.Names[i] : NameOf(any, i), any))];
        }

        var response = new DeltaDiscoveryResponse { TypeUrl = item.TypeUrl };
        ImmutableArray<string> changedNames;
        ImmutableArray<string> removed;
        lock (_gate)
        {
            if (!_types.TryGetValue(item.TypeUrl, out var state))
            {
                state = new TypeState { Subscribed = true };
                _types.Add(item.TypeUrl, state);
                _typeOrder.Add(item.TypeUrl);
            }

            var changed = new List<DeltaResource>();
            foreach (var (name, body) in current)
            {
                var version = _pilot.Store.VersionOf(body);
                if (item.Kind == OutboundKind.RawResponse || !state.Sent.TryGetValue(name, out var held) || held != version)
                {
                    changed.Add(new DeltaResource { Name = name, Version = version, Resource_ = body });
                }
            }

            var present = current.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            removed = item.Kind switch
            {
                OutboundKind.RawResponse => [],
                OutboundKind.PartialEndpoints => [.. scope.Where(n => state.Sent.ContainsKey(n) && !present.Contains(n))],
                _ => [.. state.Sent.Keys.Where(n => !present.Contains(n) && (wildcard || state.Names.Contains(n))).Order(StringComparer.Ordinal)],
            };
            if (changed.Count == 0 && removed.IsEmpty && !state.AnswerNext)
            {
                return;
            }

            state.AnswerNext = false;
            foreach (var resource in changed)
            {
                state.Sent[resource.Name] = resource.Version;
            }

            foreach (var name in removed)
            {
                state.Sent.Remove(name);
            }

            response.SystemVersionInfo = _pilot.NextVersion();
            response.Nonce = _pilot.NextNonce();
            state.LatestNonce = response.Nonce;
            state.LatestVersion = response.SystemVersionInfo;
            response.Resources.AddRange(changed);
            response.RemovedResources.AddRange(removed);
            changedNames = [.. changed.Select(r => r.Name)];
        }

        await _responses.WriteAsync(response.ToByteArray(), cancellationToken);
        var recorded = _pilot.RecordDeltaResponse(Id, item.TypeUrl, response.SystemVersionInfo, response.Nonce, changedNames, removed);
        LogResponseSent(_logger, Id, recorded);
    }

    /// <summary>A raw resource's name, or <c>resource-INDEX</c> when it has none that can be read.</summary>
    private static string NameOf(Any resource, int index)
    {
        var name = IstioResourceBuilder.ReadName(resource);
        return name.Length > 0 ? name : "resource-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
