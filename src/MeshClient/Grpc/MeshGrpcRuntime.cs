using MeshClient.Diagnostics;
using MeshClient.Http;
using MeshClient.Resilience;
using MeshClient.Routing;
using Microsoft.Extensions.Logging;

namespace MeshClient.Grpc;

/// <summary>
/// What proxyless channels (<c>xds:///</c>) share with the app's mesh handlers: the router, the app's identity for
/// route rules' <c>source</c>, the outlier detectors (an ejection holds for HttpClient and gRPC alike) and the metrics.
/// </summary>
internal sealed class MeshGrpcRuntime
{
    public MeshGrpcRuntime(MeshRouter? router, MeshHttpSettings settings, ServiceOutlierDetectors? outliers, MeshMetrics? metrics, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        Router = router;
        Settings = settings;
        Outliers = outliers;
        Metrics = metrics;
        LoggerFactory = loggerFactory;
    }

    /// <summary>The router; <see langword="null"/> in Sidecar mode, where xds:/// targets are refused.</summary>
    public MeshRouter? Router { get; }

    public MeshHttpSettings Settings { get; }

    public ServiceOutlierDetectors? Outliers { get; }

    public MeshMetrics? Metrics { get; }

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>The router, or a clear error for a channel in Sidecar mode.</summary>
    /// <param name="address">The channel's address, for the message.</param>
    /// <returns>The router.</returns>
    /// <exception cref="InvalidOperationException">Mesh:Mode is Sidecar.</exception>
    public MeshRouter RequireRouter(Uri address) =>
        Router ?? throw new InvalidOperationException(
            $"The gRPC address '{address}' is an xds:/// target, but Mesh:Mode is Sidecar: there is no Pilot to name endpoints. Use an http:// address through the sidecar instead.");
}
