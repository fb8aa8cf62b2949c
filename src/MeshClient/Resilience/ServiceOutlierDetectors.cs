using System.Collections.Concurrent;
using MeshClient.LoadBalancing;
using MeshClient.Registry;

namespace MeshClient.Resilience;

/// <summary>
/// One <see cref="OutlierDetector"/> per service port (host and port), created at its first failure. Lives as long
/// as the app (a singleton in DI), not as long as a message handler, so ejections survive handler rotation.
/// </summary>
internal sealed class ServiceOutlierDetectors
{
    private readonly ConcurrentDictionary<ServiceKey, OutlierDetector> _detectors = new(ServiceKeyComparer.Instance);
    private readonly TimeProvider _time;
    private volatile bool _any;
    private long _prunedVersion = -1;
    private int _pruning;
    private Task _pruned = Task.CompletedTask;

    public ServiceOutlierDetectors(OutlierDetectionSettings settings, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        _time = time ?? TimeProvider.System;
    }

    public OutlierDetectionSettings Settings { get; }

    /// <summary>The detectors for <paramref name="settings"/>, or <see langword="null"/> when ejection is off.</summary>
    public static ServiceOutlierDetectors? For(OutlierDetectionSettings? settings, TimeProvider time) =>
        settings is null ? null : new ServiceOutlierDetectors(settings, time);

    /// <summary>The detector of a service, or <see langword="null"/> when none of its endpoints has failed yet.</summary>
    public OutlierDetector? Find(MeshService service)
    {
        if (!_any)
        {
            return null;
        }

        return _detectors.TryGetValue(new ServiceKey(service.Host, service.Port), out var detector) ? detector : null;
    }

    /// <summary>The detector of a service, created when missing.</summary>
    public OutlierDetector GetOrCreate(MeshService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var detector = _detectors.GetOrAdd(
            new ServiceKey(service.Host, service.Port),
            static (_, owner) => new OutlierDetector(owner.Settings, owner._time),
            this);
        _any = true;
        return detector;
    }

    /// <summary>The number of services with a detector.</summary>
    public int Count => _detectors.Count;

    /// <summary>Completes when the prune started last has run.</summary>
    public Task Pruned => Volatile.Read(ref _pruned);

    /// <summary>
    /// When the registry changed since the last prune, prunes on the thread pool (never on the calling request
    /// thread): detectors of services that left, records of endpoints that left. Called as failures are reported, the
    /// only time records are added.
    /// </summary>
    public void PruneIfStale(MeshRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        if (Volatile.Read(ref _prunedVersion) == registry.Version || Interlocked.CompareExchange(ref _pruning, 1, 0) != 0)
        {
            return;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _pruned, done.Task);
        ThreadPool.UnsafeQueueUserWorkItem(
            static state =>
            {
                try
                {
                    state.Owner.Prune(state.Registry.Current);
                }
                finally
                {
                    Volatile.Write(ref state.Owner._pruning, 0);
                    state.Done.TrySetResult();
                }
            },
            (Owner: this, Registry: registry, Done: done),
            preferLocal: false);
    }

    /// <summary>Forgets the detectors of services not in <paramref name="snapshot"/> and the records of endpoints that left their service.</summary>
    public void Prune(RegistrySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        foreach (var (key, detector) in _detectors)
        {
            if (!snapshot.TryFindService(key.Name, key.Port, "default", out var service)
                || !string.Equals(service.Host, key.Name, StringComparison.OrdinalIgnoreCase))
            {
                _detectors.TryRemove(key, out _);
                continue;
            }

            var present = new HashSet<EndpointAddress>(EndpointAddressComparer.Instance);
            foreach (var cluster in service.EndpointClusters)
            {
                foreach (var endpoint in cluster.Endpoints)
                {
                    present.Add(new EndpointAddress(endpoint.Address, endpoint.Port));
                }
            }

            detector.Retain(present);
        }

        Volatile.Write(ref _prunedVersion, snapshot.Version);
    }

    /// <summary>How many endpoints a service has now, without allocating.</summary>
    public static int EndpointCount(MeshService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (service.AllEndpoints is { } all)
        {
            return all.Endpoints.Length;
        }

        var count = 0;
        foreach (var (_, cluster) in service.Subsets)
        {
            count += cluster.Endpoints.Length;
        }

        return count;
    }

    /// <summary>Whether an endpoint of a service is ejected now.</summary>
    public bool IsEjected(MeshService service, MeshEndpoint endpoint) => Find(service)?.IsEjected(endpoint) == true;

    /// <summary>
    /// Reports the outcome of a call to <paramref name="endpoint"/> of <paramref name="service"/>: a success resets
    /// its run of failures; a failure counts against it and may eject it. Records of endpoints that left are pruned
    /// on the thread pool when the registry changed, not here: a failed call allocates nothing proportional to the
    /// number of endpoints.
    /// </summary>
    /// <param name="registry">The registry the service came from, to prune departed services and endpoints.</param>
    /// <param name="service">The service port called.</param>
    /// <param name="endpoint">The endpoint that took the call.</param>
    /// <param name="failed">Whether the call failed at the endpoint.</param>
    /// <param name="ejectionTime">How long the endpoint is ejected for, when this failure ejected it.</param>
    /// <returns><see langword="true"/> when this failure ejected the endpoint.</returns>
    public bool Report(MeshRegistry registry, MeshService service, MeshEndpoint endpoint, bool failed, out TimeSpan ejectionTime)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(endpoint);
        ejectionTime = TimeSpan.Zero;
        if (!failed)
        {
            Find(service)?.ReportSuccess(endpoint);
            return false;
        }

        PruneIfStale(registry);
        return GetOrCreate(service).ReportFailure(endpoint, EndpointCount(service), out ejectionTime);
    }
}
