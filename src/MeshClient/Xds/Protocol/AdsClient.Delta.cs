using System.Threading.Channels;
using MeshClient.Xds.Protos.Discovery;
using MeshClient.Xds.Transport;

namespace MeshClient.Xds.Protocol;

/// <summary>
/// One incremental (delta) ADS stream, <c>DeltaAggregatedResources</c> (xDS v3): CDS is a wildcard subscription
/// (<c>*</c>), EDS is subscribed by name as the clusters name them; responses carry changed resources and the names of
/// removed ones; each accepted resource's version is kept and sent back as initial_resource_versions on the next
/// stream. Events are handled in order, as on a state-of-the-world stream.
/// </summary>
internal sealed partial class AdsClient
{
    private IGrpcDuplexCall<DeltaDiscoveryRequest, DeltaDiscoveryResponse>? _deltaCall;

    private async Task<StreamOutcome> RunDeltaStreamAsync(CancellationToken cancellationToken)
    {
        using var streamCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        IGrpcDuplexCall<DeltaDiscoveryRequest, DeltaDiscoveryResponse> call;
        try
        {
            call = _transport.StartDuplexStreaming<DeltaDiscoveryRequest, DeltaDiscoveryResponse>(XdsTypeUrls.DeltaAdsMethodV3, DeltaDiscoveryResponse.Parser, streamCts.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new StreamOutcome(false, null);
        }
        catch (Exception ex)
        {
            return Failed(false, ex);
        }

        _deltaCall = call;
        var stream = new AdsStreamContext(null);
        Volatile.Write(ref _streamEvents, stream.Events.Writer);
        var receive = ReceiveAsync(call, static response => AdsStreamEvent.ReceivedDelta(response), stream.Events.Writer, streamCts.Token);
        try
        {
            return await RunEventsAsync(
                stream,
                call,
                receive,
                streamCts,
                SendInitialDeltaRequestsAsync,
                (current, next, token) => next.DeltaResponse is { } response ? HandleDeltaResponseAsync(current, response, token) : Task.CompletedTask,
                cancellationToken);
        }
        finally
        {
            _deltaCall = null;
        }
    }

    private async Task SendInitialDeltaRequestsAsync(AdsStreamContext stream, CancellationToken cancellationToken)
    {
        _deltaClusters.StartStream();
        _deltaEndpoints.StartStream();
        _onDemand?.TakeIdle();
        _endpoints.SetResourceNames(WantedEndpointNames());
        await WriteDeltaAsync(_deltaClusters.CreateInitialRequest([], Identity.Node), cancellationToken);
        await SendInitialDeltaEndpointsRequestAsync(stream, cancellationToken);
    }

    /// <summary>
    /// The first EDS request of the stream, when there are names: it names every subscribed resource and the versions
    /// held. A resource held at a version was received (on an earlier stream): Pilot sends it again only if it changed,
    /// or names it removed, so it is settled now and gets no does-not-exist timer.
    /// </summary>
    private async Task SendInitialDeltaEndpointsRequestAsync(AdsStreamContext stream, CancellationToken cancellationToken)
    {
        var names = _endpoints.ResourceNames;
        if (names.Length == 0)
        {
            return;
        }

        foreach (var name in names)
        {
            if (_deltaEndpoints.Versions.ContainsKey(name) && _cache.HasAssignment(name))
            {
                stream.EndpointsReceived.Add(name);
            }
            else
            {
                stream.StartTimer(name, _doesNotExistTimeout, _timeProvider);
            }
        }

        stream.EndpointsRequested = true;
        await WriteDeltaAsync(_deltaEndpoints.CreateInitialRequest(names), cancellationToken);
    }

    /// <summary>After the EDS names may have changed: subscribes and unsubscribes the difference (or sends the first EDS request).</summary>
    private async Task SendDeltaEndpointSubscriptionAsync(AdsStreamContext stream, EndpointNameChange change, CancellationToken cancellationToken)
    {
        if (!stream.EndpointsRequested)
        {
            await SendInitialDeltaEndpointsRequestAsync(stream, cancellationToken);
            return;
        }

        // Every name subscribed before has its timer running or is settled: only the new ones need one.
        foreach (var name in change.Added)
        {
            stream.StartTimer(name, _doesNotExistTimeout, _timeProvider);
        }

        if (change.Changed)
        {
            await WriteDeltaAsync(_deltaEndpoints.CreateSubscriptionChange(change.Added, change.Removed), cancellationToken);
        }
    }

    private async Task WriteDeltaAsync(DeltaDiscoveryRequest request, CancellationToken cancellationToken)
    {
        Log.SendingDelta(_logger, request.TypeUrl, request.ResourceNamesSubscribe.Count, request.ResourceNamesUnsubscribe.Count, request.InitialResourceVersions.Count, request.ResponseNonce, request.ErrorDetail is not null);
        try
        {
            await _deltaCall!.WriteAsync(request, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AdsWriteFailedException(ex);
        }
    }
}
