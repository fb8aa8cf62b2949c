using MeshClient.Diagnostics;
using MeshClient.Registry;
using Microsoft.Extensions.Logging;

namespace MeshClient.Resilience;

/// <summary>
/// Where every call's outcome at its endpoint goes, for HTTP and <c>xds:///</c> gRPC alike: the outlier detectors
/// (which eject an endpoint after consecutive failures), and on an ejection the <c>meshclient.outlier.ejections</c>
/// counter and a warning.
/// </summary>
internal sealed partial class EndpointOutcomeReporter
{
    private readonly MeshRegistry _registry;
    private readonly ServiceOutlierDetectors? _outliers;
    private readonly MeshMetrics? _metrics;
    private readonly ILogger _logger;

    /// <summary>Creates the reporter.</summary>
    /// <param name="registry">The registry the endpoints come from (ejections end when an endpoint leaves it).</param>
    /// <param name="outliers">The app's outlier detectors; <see langword="null"/> when ejection is off (nothing is reported).</param>
    /// <param name="metrics">The <c>MeshClient</c> instruments, or <see langword="null"/>.</param>
    /// <param name="logger">Where ejections are logged.</param>
    public EndpointOutcomeReporter(MeshRegistry registry, ServiceOutlierDetectors? outliers, MeshMetrics? metrics, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(logger);
        _registry = registry;
        _outliers = outliers;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>The outlier detectors outcomes go to, or <see langword="null"/> when ejection is off.</summary>
    public ServiceOutlierDetectors? Outliers => _outliers;

    /// <summary>Reports a call's outcome at its endpoint; counts and logs an ejection it causes.</summary>
    /// <param name="service">The service port the call went to.</param>
    /// <param name="endpoint">The endpoint that answered (or failed to).</param>
    /// <param name="failed">Whether the endpoint failed (a connection failure, a timeout, a 5xx, a gRPC UNAVAILABLE).</param>
    public void Report(MeshService service, MeshEndpoint endpoint, bool failed)
    {
        var outliers = _outliers;
        if (outliers is not null && outliers.Report(_registry, service, endpoint, failed, out var ejectionTime))
        {
            _metrics?.Ejection(service.Host);
            LogEndpointEjected(_logger, endpoint.ToString(), service.Host, ejectionTime, outliers.Settings.ConsecutiveFailures);
        }
    }
}
