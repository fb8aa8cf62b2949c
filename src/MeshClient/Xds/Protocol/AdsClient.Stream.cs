using System.Globalization;
using System.Threading.Channels;
using MeshClient.Registry;
using MeshClient.Xds.Protos.Discovery;
using MeshClient.Xds.Transport;

namespace MeshClient.Xds.Protocol;

/// <summary>One ADS stream: subscribe, then handle responses and timer expiries in order until the stream ends.</summary>
internal sealed partial class AdsClient
{
    private async Task<StreamOutcome> RunStreamAsync(CancellationToken cancellationToken)
    {
        using var streamCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        IGrpcDuplexCall<DiscoveryRequest, DiscoveryResponse> call;
        try
        {
            call = _transport.StartDuplexStreaming<DiscoveryRequest, DiscoveryResponse>(_methodPath, DiscoveryResponse.Parser, streamCts.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new StreamOutcome(false, null);
        }
        catch (Exception ex)
        {
            return Failed(false, ex);
        }

        var stream = new AdsStreamContext(call);
        Volatile.Write(ref _streamEvents, stream.Events.Writer);
        var receive = ReceiveAsync(call, static response => AdsStreamEvent.Received(response), stream.Events.Writer, streamCts.Token);
        return await RunEventsAsync(
            stream,
            call,
            receive,
            streamCts,
            SendInitialRequestsAsync,
            (current, next, token) => next.Response is { } response ? HandleResponseAsync(current, response, token) : Task.CompletedTask,
            cancellationToken);
    }

    /// <summary>
    /// What state-of-the-world and delta streams share once their call is open: the initial requests, then the
    /// stream's events in order (responses, does-not-exist timers, on-demand changes) until it ends; its end, a failed
    /// write or an error becomes the outcome; then the timers stop, the call is disposed and its receive loop awaited.
    /// </summary>
    private async Task<StreamOutcome> RunEventsAsync(
        AdsStreamContext stream,
        IAsyncDisposable call,
        Task receive,
        CancellationTokenSource streamCts,
        Func<AdsStreamContext, CancellationToken, Task> sendInitialRequests,
        Func<AdsStreamContext, AdsStreamEvent, CancellationToken, Task> handleResponse,
        CancellationToken cancellationToken)
    {
        try
        {
            await sendInitialRequests(stream, streamCts.Token);
            while (true)
            {
                var next = await stream.Events.Reader.ReadAsync(streamCts.Token);
                if (next.Ended)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        return new StreamOutcome(stream.ReceivedData, null);
                    }

                    if (next.Error is null)
                    {
                        return Closed(stream);
                    }

                    return Failed(stream.ReceivedData, next.Error);
                }

                if (next.MissingResourceName is { } name)
                {
                    HandleTimerFired(stream, name, next.TimerId);
                }
                else if (next.DemandChanged)
                {
                    await HandleDemandChangedAsync(stream, streamCts.Token);
                }
                else
                {
                    await handleResponse(stream, next, streamCts.Token);
                }
            }
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped on purpose: whatever the call reports now is the consequence of the stop, not a failure.
            return new StreamOutcome(stream.ReceivedData, null);
        }
        catch (AdsWriteFailedException ex)
        {
            // A write fails when the call has ended under it; the reason Pilot gave arrives on the receive side.
            Log.WriteFailed(_logger, Describe(ex.InnerException!));
            var end = await WaitForStreamEndAsync(stream, cancellationToken);
            if (cancellationToken.IsCancellationRequested)
            {
                return new StreamOutcome(stream.ReceivedData, null);
            }

            return end switch
            {
                { Error: { } error } => Failed(stream.ReceivedData, error),
                { } => Closed(stream),
                null => Failed(stream.ReceivedData, ex.InnerException!),
            };
        }
        catch (Exception ex)
        {
            return Failed(stream.ReceivedData, ex);
        }
        finally
        {
            Volatile.Write(ref _streamEvents, null);
            stream.StopAllTimers();
            stream.Events.Writer.TryComplete();
            await streamCts.CancelAsync();
            try
            {
                await call.DisposeAsync();
            }
            catch (Exception ex)
            {
                Log.CallDisposeFailed(_logger, ex);
            }

            await receive;
        }
    }

    private StreamOutcome Closed(AdsStreamContext stream)
    {
        Log.StreamClosedByServer(_logger);
        return new StreamOutcome(stream.ReceivedData, "Pilot closed the ADS stream.");
    }

    /// <summary>
    /// After a failed write: waits, for a bounded time, for the receive side to report how the stream ended.
    /// Returns <see langword="null"/> when it did not report within the bound (the write failed on its own).
    /// </summary>
    private async Task<AdsStreamEvent?> WaitForStreamEndAsync(AdsStreamContext stream, CancellationToken cancellationToken)
    {
        using var bound = new CancellationTokenSource(WriteFailureGrace, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(bound.Token, cancellationToken);
        try
        {
            while (true)
            {
                var next = await stream.Events.Reader.ReadAsync(linked.Token);
                if (next.Ended)
                {
                    return next;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    private StreamOutcome Failed(bool receivedData, Exception exception)
    {
        var error = Describe(exception);
        Log.StreamFailed(_logger, error, exception);
        return new StreamOutcome(receivedData, error);
    }

    /// <summary>The stream's read loop, for either stream kind: each response becomes an event, in order.</summary>
    private static async Task ReceiveAsync<TRequest, TResponse>(
        IGrpcDuplexCall<TRequest, TResponse> call,
        Func<TResponse, AdsStreamEvent> received,
        ChannelWriter<AdsStreamEvent> events,
        CancellationToken cancellationToken)
        where TResponse : class
    {
        await Task.Yield();
        try
        {
            while (true)
            {
                var response = await call.ReadAsync(cancellationToken);
                if (response is null)
                {
                    events.TryWrite(AdsStreamEvent.StreamEnded(null));
                    return;
                }

                events.TryWrite(received(response));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The stream loop ended the call.
        }
        catch (Exception ex)
        {
            events.TryWrite(AdsStreamEvent.StreamEnded(ex));
        }
    }

    private async Task SendInitialRequestsAsync(AdsStreamContext stream, CancellationToken cancellationToken)
    {
        _clusters.StartStream();
        _endpoints.StartStream();
        if (_onDemand is not null)
        {
            _onDemand.TakeIdle();
            _endpoints.SetResourceNames(WantedEndpointNames());
        }

        await WriteAsync(stream, _clusters.CreateRequest(Identity.Node), cancellationToken);
        if (_endpoints.ResourceNameCount > 0)
        {
            foreach (var name in _endpoints.ResourceNames)
            {
                stream.StartTimer(name, _doesNotExistTimeout, _timeProvider);
            }

            stream.EndpointsRequested = true;
            await WriteAsync(stream, _endpoints.CreateRequest(), cancellationToken);
        }
    }

    private void HandleTimerFired(AdsStreamContext stream, string name, long timerId)
    {
        if (!stream.TryTakeFiredTimer(name, timerId))
        {
            return;
        }

        stream.EndpointsReportedMissing.Add(name);
        Log.ResourceDoesNotExist(_logger, _endpoints.TypeUrl, name, _doesNotExistTimeout);
        _registry.SetLastError($"EDS resource \"{name}\" does not exist: it was not received within {_doesNotExistTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s.");
        UpdateSyncState(stream);
        SettleDemand([name]);
        EventSubscribers.Raise(ResourceDoesNotExist, this, new XdsResourceDoesNotExistEventArgs(_endpoints.TypeUrl, name, _doesNotExistTimeout), "AdsClient.ResourceDoesNotExist", _logger);
    }

    private void UpdateSyncState(AdsStreamContext stream)
    {
        if (stream.Synced || !stream.ClustersApplied)
        {
            return;
        }

        // Names once settled stay settled while the subscription is the same array, so the scan resumes where it
        // stopped: a first sync that arrives one resource per response costs O(names) in all, not O(names) each.
        var names = _endpoints.ResourceNames;
        var from = stream.SyncScan.Names == names ? stream.SyncScan.Settled : 0;
        while (from < names.Length && stream.IsSettled(names[from]))
        {
            from++;
        }

        stream.SyncScan = (names, from);
        if (from < names.Length)
        {
            return;
        }

        stream.Synced = true;
        _registry.SetConnectionState(MeshConnectionState.Synced);
        Log.Synced(_logger, _cache.ClusterCount, _endpoints.ResourceNameCount, _registry.Version);
    }

    private void Publish()
    {
        if (_cache.PublishTo(_registry) is { } snapshot)
        {
            Log.Published(_logger, snapshot.Version, snapshot.Clusters.Count);
        }
    }

    private async Task WriteAsync(AdsStreamContext stream, DiscoveryRequest request, CancellationToken cancellationToken)
    {
        Log.Sending(_logger, request.TypeUrl, request.VersionInfo, request.ResponseNonce, request.ResourceNames.Count, request.ErrorDetail is not null);
        try
        {
            await stream.Call.WriteAsync(request, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AdsWriteFailedException(ex);
        }
    }
}
