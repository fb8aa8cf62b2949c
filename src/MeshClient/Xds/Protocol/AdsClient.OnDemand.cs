using System.Collections.Immutable;
using System.Threading.Channels;

namespace MeshClient.Xds.Protocol;

/// <summary>
/// Which EDS names are subscribed: every EDS cluster's, or, with on-demand EDS, only those of the clusters of the
/// services the app has used (and not left idle). Changes go out as a new name list (state of the world) or as
/// subscribe/unsubscribe (delta).
/// </summary>
internal sealed partial class AdsClient
{
    private ChannelWriter<AdsStreamEvent>? _streamEvents;

    /// <summary>The EDS names to subscribe to now, sorted ordinally.</summary>
    private ImmutableArray<string> WantedEndpointNames()
    {
        if (_onDemand is null)
        {
            return _cache.EdsServiceNames;
        }

        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var clusterName in _onDemand.Clusters)
        {
            if (_cache.FindCluster(clusterName) is { EdsServiceName: { } serviceName })
            {
                names.Add(serviceName);
                if (_cache.HasAssignment(serviceName))
                {
                    // Another demanded cluster shares the EDS name: its endpoints are here already.
                    _onDemand.Settle(clusterName);
                }
            }
            else
            {
                // An inline cluster has its endpoints already; a cluster Pilot removed has none to wait for.
                _onDemand.Settle(clusterName);
            }
        }

        return [.. names];
    }

    /// <summary>
    /// Sets the subscribed EDS names to the wanted ones; forgets what arrived on this stream for the names dropped, and
    /// their endpoints. Without on-demand EDS the subscription follows the clusters: it moves by the EDS names the
    /// cache's last changes gained and lost, O(changed names); with it, the used services' names are recomputed
    /// (O(used services)). Added and removed are sorted ordinally.
    /// </summary>
    private EndpointNameChange ChangeEndpointNames(AdsStreamContext stream)
    {
        var (gained, lost) = _cache.TakeEdsNameChanges();
        List<string> added;
        List<string> removed;
        if (_onDemand is null)
        {
            (added, removed) = _endpoints.ChangeResourceNames(gained, lost);
        }
        else
        {
            var previous = _endpoints.ResourceNames;
            var names = WantedEndpointNames();
            if (!_endpoints.SetResourceNames(names))
            {
                return new EndpointNameChange(false, [], []);
            }

            removed = previous.Except(names, StringComparer.Ordinal).ToList();
            added = names.Except(previous, StringComparer.Ordinal).ToList();
        }

        if (added.Count == 0 && removed.Count == 0)
        {
            return new EndpointNameChange(false, [], []);
        }

        added.Sort(StringComparer.Ordinal);
        removed.Sort(StringComparer.Ordinal);
        foreach (var name in removed)
        {
            stream.Forget(name);
        }

        _cache.RemoveAssignments(removed);
        return new EndpointNameChange(true, added, removed);
    }

    /// <summary>Lets the calls waiting for the clusters that use <paramref name="serviceNames"/> go on.</summary>
    private void SettleDemand(IReadOnlyCollection<string> serviceNames)
    {
        if (_onDemand is null || serviceNames.Count == 0)
        {
            return;
        }

        var settled = serviceNames as IReadOnlySet<string> ?? serviceNames.ToHashSet(StringComparer.Ordinal);
        foreach (var clusterName in _onDemand.Clusters)
        {
            if (_cache.FindCluster(clusterName) is { EdsServiceName: { } serviceName } && settled.Contains(serviceName))
            {
                _onDemand.Settle(clusterName);
            }
        }
    }

    /// <summary>A new service was used or the idle sweep is due: re-subscribes when the EDS names changed.</summary>
    private async Task HandleDemandChangedAsync(AdsStreamContext stream, CancellationToken cancellationToken)
    {
        _onDemand?.TakeIdle();
        if (!stream.ClustersApplied)
        {
            // The CDS response of this stream sets the names.
            return;
        }

        var change = ChangeEndpointNames(stream);
        if (!change.Changed)
        {
            return;
        }

        Log.OnDemandChanged(_logger, change.Added.Count, change.Removed.Count, _endpoints.ResourceNameCount);
        if (change.Removed.Count > 0)
        {
            Publish();
        }

        if (_protocol == XdsProtocol.Delta)
        {
            await SendDeltaEndpointSubscriptionAsync(stream, change, cancellationToken);
            return;
        }

        foreach (var name in _endpoints.ResourceNames)
        {
            stream.StartTimer(name, _doesNotExistTimeout, _timeProvider);
        }

        if (_endpoints.ResourceNameCount > 0 || stream.EndpointsRequested)
        {
            stream.EndpointsRequested = true;
            await WriteAsync(stream, _endpoints.CreateRequest(), cancellationToken);
        }
    }

    /// <summary>How the subscribed EDS names changed.</summary>
    private readonly record struct EndpointNameChange(bool Changed, List<string> Added, List<string> Removed);
}
