using MeshClient.Xds.Protos.Discovery;

namespace MeshClient.Xds.Protocol;

/// <summary>
/// Handling of one delta CDS or EDS response, resource by resource as on the state-of-the-world path (gRFC A46): each
/// valid resource is added or replaced, each removed name goes, an invalid resource keeps its last good version (and
/// its version is not updated), and the NACK (by nonce, with error_detail) names every invalid resource. A response
/// over a response-wide limit is rejected whole.
/// </summary>
internal sealed partial class AdsClient
{
    private async Task HandleDeltaResponseAsync(AdsStreamContext stream, DeltaDiscoveryResponse response, CancellationToken cancellationToken)
    {
        stream.ReceivedData = true;
        _metrics?.XdsResponse(response.TypeUrl);
        Log.DeltaReceived(_logger, response.TypeUrl, response.SystemVersionInfo, response.Nonce, response.Resources.Count, response.RemovedResources.Count);
        if (string.Equals(response.TypeUrl, _deltaClusters.TypeUrl, StringComparison.Ordinal))
        {
            await HandleDeltaClustersAsync(stream, response, cancellationToken);
        }
        else if (string.Equals(response.TypeUrl, _deltaEndpoints.TypeUrl, StringComparison.Ordinal))
        {
            await HandleDeltaEndpointsAsync(stream, response, cancellationToken);
        }
        else
        {
            Log.UnknownTypeIgnored(_logger, response.TypeUrl, response.Nonce);
        }
    }

    private async Task HandleDeltaClustersAsync(AdsStreamContext stream, DeltaDiscoveryResponse response, CancellationToken cancellationToken)
    {
        _deltaClusters.OnResponse(response);
        if (OverLimit(response.CalculateSize(), _limits.MaxResponseBytes, "bytes", nameof(_limits.MaxResponseBytes)) is { } tooLarge)
        {
            await RejectDeltaAsync(_deltaClusters, "CDS", response, tooLarge, cancellationToken);
            return;
        }

        var errors = new XdsResourceErrors();
        var skipped = new HashSet<string>(StringComparer.Ordinal);
        var resources = DeltaResources.Read(response, errors);
        var valid = resources.KeepNamed(ClusterResourceDecoder.Decode(resources.Response, _limits, errors, skipped), c => c.Name, errors);
        var removed = response.RemovedResources.ToHashSet(StringComparer.Ordinal);
        var (clusterCount, endpointCount) = _cache.CountAfterChanges(valid, removed);
        if ((OverLimit(clusterCount, _limits.MaxClusters, "clusters in all", nameof(_limits.MaxClusters))
            ?? OverLimit(endpointCount, _limits.MaxTotalEndpoints, "endpoints in all", nameof(_limits.MaxTotalEndpoints))) is { } tooMany)
        {
            await RejectDeltaAsync(_deltaClusters, "CDS", response, tooMany, cancellationToken);
            return;
        }

        LogSkipped(skipped, response.TypeUrl);
        _cache.ApplyClusterChanges(valid, removed);
        foreach (var cluster in valid)
        {
            _deltaClusters.SetVersion(cluster.Name, resources.Versions[cluster.Name]);
        }

        foreach (var name in removed)
        {
            _deltaClusters.RemoveVersion(name);
        }

        stream.ClustersApplied = true;
        Publish();
        var change = ChangeEndpointNames(stream);
        await SendDeltaEndpointSubscriptionAsync(stream, change, cancellationToken);
        UpdateSyncState(stream);
        await AckOrNackDeltaAsync(_deltaClusters, "CDS", response, errors, cancellationToken);
    }

    private async Task HandleDeltaEndpointsAsync(AdsStreamContext stream, DeltaDiscoveryResponse response, CancellationToken cancellationToken)
    {
        _deltaEndpoints.OnResponse(response);
        if (OverLimit(response.CalculateSize(), _limits.MaxResponseBytes, "bytes", nameof(_limits.MaxResponseBytes)) is { } tooLarge)
        {
            await RejectDeltaAsync(_deltaEndpoints, "EDS", response, tooLarge, cancellationToken);
            return;
        }

        var errors = new XdsResourceErrors();
        var skipped = new HashSet<string>(StringComparer.Ordinal);
        var requested = _endpoints.ResourceNameSet;
        var resources = DeltaResources.Read(response, errors);
        var decoded = EndpointResourceDecoder.Decode(resources.Response, requested, _limits, errors, skipped, out var ignored);
        var assignments = resources.KeepNamed(decoded, a => a.ServiceName, errors);
        var removed = response.RemovedResources.Where(requested.Contains).Distinct(StringComparer.Ordinal).ToList();
        var counted = assignments.Concat(removed.Select(n => new DecodedLoadAssignment(n, []))).ToList();
        if (OverLimit(_cache.CountEndpoints(null, counted), _limits.MaxTotalEndpoints, "endpoints in all", nameof(_limits.MaxTotalEndpoints)) is { } tooMany)
        {
            await RejectDeltaAsync(_deltaEndpoints, "EDS", response, tooMany, cancellationToken);
            return;
        }

        if (ignored > 0)
        {
            Log.UnrequestedResourcesIgnored(_logger, response.TypeUrl, ignored);
        }

        LogSkipped(skipped, response.TypeUrl);
        _cache.ApplyAssignments(assignments);
        _cache.RemoveAssignments(removed);
        var settled = new List<string>(assignments.Count + removed.Count);
        foreach (var assignment in assignments)
        {
            _deltaEndpoints.SetVersion(assignment.ServiceName, resources.Versions[assignment.ServiceName]);
            stream.StopTimer(assignment.ServiceName);
            stream.EndpointsReceived.Add(assignment.ServiceName);
            settled.Add(assignment.ServiceName);
        }

        // A removed resource does not exist: its cluster has no endpoints, and it counts as settled for the sync.
        foreach (var name in removed)
        {
            Log.EndpointsRemoved(_logger, name);
            _deltaEndpoints.RemoveVersion(name);
            stream.StopTimer(name);
            stream.EndpointsReceived.Remove(name);
            stream.EndpointsReportedMissing.Add(name);
            settled.Add(name);
        }

        foreach (var name in errors.Names)
        {
            if (requested.Contains(name))
            {
                stream.StopTimer(name);
                stream.EndpointsReceived.Add(name);
                settled.Add(name);
            }
        }

        Publish();
        SettleDemand(settled);
        UpdateSyncState(stream);
        await AckOrNackDeltaAsync(_deltaEndpoints, "EDS", response, errors, cancellationToken);
    }

    private async Task AckOrNackDeltaAsync(
        DeltaSubscriptionState subscription,
        string kind,
        DeltaDiscoveryResponse response,
        XdsResourceErrors errors,
        CancellationToken cancellationToken)
    {
        if (errors.Any)
        {
            await RejectDeltaAsync(subscription, kind, response, errors.Describe(), cancellationToken);
            return;
        }

        _metrics?.XdsAck(response.TypeUrl);
        await WriteDeltaAsync(subscription.Ack(response), cancellationToken);
        Log.Acked(_logger, response.TypeUrl, response.SystemVersionInfo, response.Nonce);
    }

    private async Task RejectDeltaAsync(
        DeltaSubscriptionState subscription,
        string kind,
        DeltaDiscoveryResponse response,
        string problem,
        CancellationToken cancellationToken)
    {
        Log.Rejected(_logger, kind, response.SystemVersionInfo, response.Nonce, problem);
        _registry.SetLastError($"{kind} delta update (system version \"{response.SystemVersionInfo}\", nonce \"{response.Nonce}\") rejected: {problem}");
        _metrics?.XdsNack(response.TypeUrl);
        await WriteDeltaAsync(subscription.Nack(response, problem), cancellationToken);
    }
}
