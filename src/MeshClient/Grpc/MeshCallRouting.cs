using System.Globalization;
using MeshClient.Registry;
using MeshClient.Resilience;
using MeshClient.Routing;
using Microsoft.Extensions.Logging;

namespace MeshClient.Grpc;

/// <summary>
/// What every pick of one <c>xds:///</c> channel routes with: the router, the call's <see cref="RouteRequest"/> (the
/// target and the app's identity), the outlier detectors, and where outcomes and ejections are reported.
/// </summary>
internal sealed partial class MeshCallRouting
{
    private readonly MeshGrpcRuntime _runtime;
    private readonly ILogger _logger;
    private readonly EndpointOutcomeReporter _outcomes;

    public MeshCallRouting(MeshGrpcRuntime runtime, MeshRouter router, XdsTarget target)
    {
        _runtime = runtime;
        Router = router;
        Target = target;
        Request = new RouteRequest(target.Service, target.Port, runtime.Settings.SourceService, runtime.Settings.SourceTags);
        _logger = runtime.LoggerFactory.CreateLogger<MeshCallRouting>();
        _outcomes = new EndpointOutcomeReporter(router.Registry, runtime.Outliers, runtime.Metrics, _logger);
    }

    public MeshRouter Router { get; }

    public XdsTarget Target { get; }

    public RouteRequest Request { get; }

    public ServiceOutlierDetectors? Outliers => _runtime.Outliers;

    /// <summary>Records a decision in the metrics and the debug log.</summary>
    public void Decided(in RouteDecision decision)
    {
        _runtime.Metrics?.Decision(decision.Service!.Host, decision.Subset);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            LogRouted(_logger, Target.ToString(), decision.ToString());
        }
    }

    /// <summary>Reports a call's outcome at its endpoint to the outlier detectors; logs and counts an ejection.</summary>
    public void Report(MeshService service, MeshEndpoint endpoint, bool failed) => _outcomes.Report(service, endpoint, failed);

    /// <summary>Why a pick found no endpoint, for the UNAVAILABLE status of the call.</summary>
    public string NoEndpointReason(in RouteDecision decision) =>
        string.Create(CultureInfo.InvariantCulture, $"xds:/// target '{Target}': no endpoint ({decision.Failure}). Decision: {decision}");
}
