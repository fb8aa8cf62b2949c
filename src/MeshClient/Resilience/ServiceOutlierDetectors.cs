using System.Collections.Concurrent;
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
}
