using MeshClient.Diagnostics;
using MeshClient.Grpc;
using MeshClient.Http;
using MeshClient.Resilience;
using MeshClient.Routing;
using Microsoft.Extensions.Logging;

namespace MeshClient.DependencyInjection;

/// <summary>
/// The app-wide parts of the mesh handlers of a DI container: the validated settings, and the outlier detectors,
/// which outlive the handlers an HttpClient factory rotates, so an ejection holds for every client of the app.
/// </summary>
internal sealed class MeshHttpRuntime
{
    private readonly MeshRoutingRuntime? _routing;
    private readonly MeshMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;

    public MeshHttpRuntime(MeshOptions options, Func<MeshRoutingRuntime> routing, MeshMetrics metrics, TimeProvider time, ILoggerFactory loggerFactory)
    {
        Settings = MeshHttpSettings.FromOptions(options);
        _routing = Settings.Mode == MeshMode.Pilot ? routing() : null;
        Outliers = ServiceOutlierDetectors.For(Settings.OutlierDetection, time);
        PeerTls = Settings.Mode == MeshMode.Pilot ? PeerTlsConnector.Create(options, time, loggerFactory) : null;
        _metrics = metrics;
        _time = time;
        _loggerFactory = loggerFactory;
    }

    public MeshHttpSettings Settings { get; }

    /// <summary>The outlier detectors; <see langword="null"/> when ejection is off.</summary>
    public ServiceOutlierDetectors? Outliers { get; }

    /// <summary>
    /// The mTLS connector of the workload certificate (one per app, so the certificate is loaded once and re-read as it
    /// rotates); <see langword="null"/> when none is configured or present, or in Sidecar mode (the sidecar does mTLS).
    /// </summary>
    public PeerTlsConnector? PeerTls { get; }

    /// <summary>The router of Pilot mode; <see langword="null"/> in Sidecar mode.</summary>
    public MeshRouter? Router => _routing?.Router;

    /// <summary>The parts of <c>xds:///</c> channels, sharing this runtime's router, settings, ejection state, metrics and logging.</summary>
    public MeshGrpcRuntime CreateGrpcRuntime() => new(Router, Settings, Outliers, _metrics, _loggerFactory);

    /// <summary>Creates one handler for the HttpClient factory, which sets its inner handler.</summary>
    public DelegatingHandler CreateHandler() =>
        MeshHttpHandler.CreateForFactory(Settings, Router, Outliers, _metrics, _time, _loggerFactory);
}
