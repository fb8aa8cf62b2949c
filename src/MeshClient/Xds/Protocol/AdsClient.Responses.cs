using System.Globalization;
using MeshClient.Xds.Protos.Discovery;
using Microsoft.Extensions.Logging;

namespace MeshClient.Xds.Protocol;

/// <summary>
/// Handling of one CDS or EDS response, resource by resource as Envoy and gRFC A46 do: the valid resources apply, an
/// invalid one keeps its last good version, and the NACK names every invalid resource. A response over a
/// response-wide limit is rejected whole.
/// </summary>
internal sealed partial class AdsClient
{
    internal async Task HandleResponseAsync(AdsStreamContext stream, DiscoveryResponse response, CancellationToken cancellationToken)
    {
        stream.ReceivedData = true;
        _metrics?.XdsResponse(response.TypeUrl);
        Log.ResponseReceived(_logger, response.TypeUrl, response.VersionInfo, response.Nonce, response.Resources.Count);
        if (string.Equals(response.TypeUrl, _clusters.TypeUrl, StringComparison.Ordinal))
        {
            await HandleClustersAsync(stream, response, cancellationToken);
        }
        else if (string.Equals(response.TypeUrl, _endpoints.TypeUrl, StringComparison.Ordinal))
        {
            await HandleEndpointsAsync(stream, response, cancellationToken);
        }
        else
        {
            Log.UnknownTypeIgnored(_logger, response.TypeUrl, response.Nonce);
        }
    }

    private async Task HandleClustersAsync(AdsStreamContext stream, DiscoveryResponse response, CancellationToken cancellationToken)
    {
        _clusters.OnResponse(response);
        if ((OverSizeLimit(response) ?? OverLimit(response.Resources.Count, _limits.MaxClusters, "clusters", nameof(_limits.MaxClusters))) is { } tooLarge)
        {
            await RejectAsync(stream, _clusters, "CDS", response, tooLarge, cancellationToken);
            return;
        }

        var errors = new XdsResourceErrors();
        var skipped = new HashSet<string>(StringComparer.Ordinal);
        var valid = ClusterResourceDecoder.Decode(response, _limits, errors, skipped);
        var clusters = _cache.WithLastGood(valid, errors);
        if (OverLimit(_cache.CountEndpoints(clusters, []), _limits.MaxTotalEndpoints, "endpoints in all", nameof(_limits.MaxTotalEndpoints)) is { } tooMany)
        {
            await RejectAsync(stream, _clusters, "CDS", response, tooMany, cancellationToken);
            return;
        }

        LogSkipped(skipped, response.TypeUrl);
        _cache.ReplaceClusters(clusters);
        stream.ClustersApplied = true;
        Publish();

        var change = ChangeEndpointNames(stream);
        var names = _endpoints.ResourceNames;
        foreach (var name in names)
        {
            stream.StartTimer(name, _doesNotExistTimeout, _timeProvider);
        }

        var send = names.Length > 0 ? change.Changed || !stream.EndpointsRequested : change.Changed && stream.EndpointsRequested;
        if (send)
        {
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                // The joined names of a whole mesh are megabytes (and leave their buffers in the shared array pool).
                Log.EndpointSubscriptionChanged(_logger, names.Length, string.Join(",", names));
            }

            stream.EndpointsRequested = true;
            await WriteAsync(stream, _endpoints.CreateRequest(), cancellationToken);
        }

        UpdateSyncState(stream);
        await AckOrNackAsync(stream, _clusters, "CDS", response, errors, cancellationToken);
    }

    private async Task HandleEndpointsAsync(AdsStreamContext stream, DiscoveryResponse response, CancellationToken cancellationToken)
    {
        _endpoints.OnResponse(response);
        if (OverSizeLimit(response) is { } tooLarge)
        {
            await RejectAsync(stream, _endpoints, "EDS", response, tooLarge, cancellationToken);
            return;
        }

        var errors = new XdsResourceErrors();
        var skipped = new HashSet<string>(StringComparer.Ordinal);
        var requested = _endpoints.ResourceNameSet;
        var assignments = EndpointResourceDecoder.Decode(response, requested, _limits, errors, skipped, out var ignored, _cache.GetEndpoints);
        if (OverLimit(_cache.CountEndpoints(null, assignments), _limits.MaxTotalEndpoints, "endpoints in all", nameof(_limits.MaxTotalEndpoints)) is { } tooMany)
        {
            await RejectAsync(stream, _endpoints, "EDS", response, tooMany, cancellationToken);
            return;
        }

        if (ignored > 0)
        {
            Log.UnrequestedResourcesIgnored(_logger, response.TypeUrl, ignored);
        }

        LogSkipped(skipped, response.TypeUrl);
        _cache.ApplyAssignments(assignments);
        foreach (var assignment in assignments)
        {
            stream.StopTimer(assignment.ServiceName);
            stream.EndpointsReceived.Add(assignment.ServiceName);
        }

        // An invalid assignment arrived all the same: it is not missing. Its last good endpoints (if any) stay.
        foreach (var name in errors.Names)
        {
            if (requested.Contains(name))
            {
                stream.StopTimer(name);
                stream.EndpointsReceived.Add(name);
            }
        }

        Publish();
        if (_onDemand is not null)
        {
            SettleDemand([.. assignments.Select(a => a.ServiceName), .. errors.Names]);
        }

        UpdateSyncState(stream);
        await AckOrNackAsync(stream, _endpoints, "EDS", response, errors, cancellationToken);
    }

    private async Task AckOrNackAsync(
        AdsStreamContext stream,
        XdsSubscriptionState subscription,
        string kind,
        DiscoveryResponse response,
        XdsResourceErrors errors,
        CancellationToken cancellationToken)
    {
        if (errors.Any)
        {
            await RejectAsync(stream, subscription, kind, response, errors.Describe(), cancellationToken);
            return;
        }

        _metrics?.XdsAck(response.TypeUrl);
        await WriteAsync(stream, subscription.Ack(response), cancellationToken);
        Log.Acked(_logger, response.TypeUrl, response.VersionInfo, response.Nonce);
    }

    private async Task RejectAsync(
        AdsStreamContext stream,
        XdsSubscriptionState subscription,
        string kind,
        DiscoveryResponse response,
        string problem,
        CancellationToken cancellationToken)
    {
        Log.Rejected(_logger, kind, response.VersionInfo, response.Nonce, problem);
        _registry.SetLastError($"{kind} update version \"{response.VersionInfo}\" rejected: {problem}");
        _metrics?.XdsNack(response.TypeUrl);
        await WriteAsync(stream, subscription.Nack(response, problem), cancellationToken);
    }

    private string? OverSizeLimit(DiscoveryResponse response) =>
        OverLimit(response.CalculateSize(), _limits.MaxResponseBytes, "bytes", nameof(_limits.MaxResponseBytes));

    private static string? OverLimit(long value, int limit, string what, string limitName) =>
        value > limit
            ? string.Create(CultureInfo.InvariantCulture, $"response has {value} {what}, over the limit Limits.{limitName} ({limit}); nothing of it applied")
            : null;

    private void LogSkipped(HashSet<string> skipped, string typeUrl)
    {
        foreach (var kind in skipped)
        {
            if (_skippedAddressKinds.Add(kind))
            {
                Log.EndpointKindSkipped(_logger, kind, typeUrl);
            }
        }
    }
}
