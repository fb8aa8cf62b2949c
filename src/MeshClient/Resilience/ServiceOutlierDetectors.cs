using System.Collections.Concurrent;
using MeshClient.LoadBalancing;
using MeshClient.Registry;
using MeshClient.Routing;

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

    /// <summary>Whether an endpoint of a service is ejected now.</summary>
    public bool IsEjected(MeshService service, MeshEndpoint endpoint) => Find(service)?.IsEjected(endpoint) == true;

    /// <summary>
    /// Reports the outcome of a call to <paramref name="endpoint"/> of <paramref name="service"/>: a success resets
    /// its run of failures; a failure counts against it (forgetting endpoints the service no longer has) and may eject it.
    /// </summary>
    /// <param name="service">The service port called.</param>
    /// <param name="endpoint">The endpoint that took the call.</param>
    /// <param name="failed">Whether the call failed at the endpoint.</param>
    /// <param name="ejectionTime">How long the endpoint is ejected for, when this failure ejected it.</param>
    /// <returns><see langword="true"/> when this failure ejected the endpoint.</returns>
    public bool Report(MeshService service, MeshEndpoint endpoint, bool failed, out TimeSpan ejectionTime)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(endpoint);
        ejectionTime = TimeSpan.Zero;
        if (!failed)
        {
            Find(service)?.ReportSuccess(endpoint);
            return false;
        }

        var detector = GetOrCreate(service);
        var present = EndpointAddresses(service);
        detector.Retain(present);
        return detector.ReportFailure(endpoint, present.Count, out ejectionTime);
    }

    /// <summary>The addresses of the service's endpoints now (failures only: it allocates).</summary>
    private static HashSet<EndpointAddress> EndpointAddresses(MeshService service)
    {
        var addresses = new HashSet<EndpointAddress>(EndpointAddressComparer.Instance);
        IEnumerable<MeshCluster> clusters = service.AllEndpoints is { } all ? [all] : service.Subsets.Values;
        foreach (var cluster in clusters)
        {
            foreach (var endpoint in cluster.Endpoints)
            {
                addresses.Add(new EndpointAddress(endpoint.Address, endpoint.Port));
            }
        }

        return addresses;
    }
}
