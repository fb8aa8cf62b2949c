using Grpc.Net.Client.Balancer;
using MeshClient.LoadBalancing;
using MeshClient.Routing;

namespace MeshClient.Grpc;

/// <summary>
/// Reports one call of an <c>xds:///</c> channel to the load balancer (in-flight counts, response times, failures)
/// and the outlier detector. Grpc.Net.Client completes it when the response headers arrive or the send fails: a
/// connection failure counts against the endpoint, and so does a response that <see cref="GrpcResponseStatusRecorder"/>
/// marked (trailers-only UNAVAILABLE, or an HTTP 5xx); the caller's cancellation or deadline says nothing about the
/// endpoint and is not counted either way.
/// </summary>
internal sealed class MeshCallTracker : ISubchannelCallTracker
{
    private readonly MeshCallRouting _routing;
    private readonly RouteDecision _decision;
    private readonly HttpRequestMessage? _request;
    private EndpointCall _call;

    public MeshCallTracker(MeshCallRouting routing, in RouteDecision decision, HttpRequestMessage? request)
    {
        _routing = routing;
        _decision = decision;
        _request = request;
    }

    public void Start() => _call = _routing.Router.BeginCall(_decision);

    public void Complete(CompletionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        bool failed;
        switch (context.Error)
        {
            case null:
                failed = _request is not null && GrpcResponseStatusRecorder.IsEndpointFailure(_request);
                break;
            case OperationCanceledException:
                _call.Abandon();
                return;
            default:
                failed = true;
                break;
        }

        _call.Complete(success: !failed);
        _routing.Report(_decision.Service!, _decision.Endpoint!, failed);
    }
}
