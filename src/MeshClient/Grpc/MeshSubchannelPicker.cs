using Grpc.Core;
using Grpc.Net.Client.Balancer;
using MeshClient.LoadBalancing;
using MeshClient.Resilience;
using MeshClient.Routing;

namespace MeshClient.Grpc;

/// <summary>
/// Picks the subchannel of every call of an <c>xds:///</c> channel: the router applies the service's route rules to
/// the call's metadata (its request headers) and the app's identity, and the chosen strategy picks among the endpoints
/// that have a ready subchannel and are not ejected. When the rule's tag set has none, the call waits while the tag
/// set's subchannels make their first connection (or have just connected), and otherwise goes to another ready endpoint of the service (as a
/// retry on the next endpoint would); a service Pilot does not name, or one without
/// endpoints, fails the call with UNAVAILABLE and the reason. The call's outcome goes back through a
/// <see cref="MeshCallTracker"/>.
/// </summary>
internal sealed class MeshSubchannelPicker : SubchannelPicker
{
    private readonly MeshCallRouting _routing;
    private readonly ConnectionHistory _history;
    private readonly Dictionary<EndpointAddress, Subchannel> _ready;

    public MeshSubchannelPicker(MeshCallRouting routing, ConnectionHistory history, IReadOnlyList<Subchannel> readySubchannels)
    {
        _routing = routing;
        _history = history;
        _ready = new Dictionary<EndpointAddress, Subchannel>(readySubchannels.Count, EndpointAddressComparer.Instance);
        foreach (var subchannel in readySubchannels)
        {
            if ((subchannel.CurrentAddress ?? subchannel.GetAddresses().FirstOrDefault()) is { } address)
            {
                _ready[new EndpointAddress(address.EndPoint.Host, address.EndPoint.Port)] = subchannel;
            }
        }
    }

    public override PickResult Pick(PickContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var headers = request is null ? default : new HttpRequestHeadersReader(request.Headers);
        var filter = new ReadySubchannelFilter(_ready, _routing.Outliers);
        var router = _routing.Router;
        var decision = router.Route(_routing.Request, headers, filter);
        if (!decision.Succeeded)
        {
            return PickResult.ForFailure(new Status(StatusCode.Unavailable, _routing.NoEndpointReason(decision)));
        }

        if (!TryFind(decision, out var subchannel))
        {
            var chosen = decision.Endpoint!;
            if (_history.IsWorthWaitingFor(new EndpointAddress(chosen.Address, chosen.Port)))
            {
                // The rule's tag set is still connecting for the first time (a new channel, a new pod), or has just
                // become ready: the next picker, built when a subchannel becomes ready, routes the call by the same rule.
                return PickResult.ForQueue();
            }

            // Every endpoint of the rule's tag set failed or is gone: another endpoint of the service takes it.
            decision = router.RouteAgain(decision, filter);
            if (!TryFind(decision, out subchannel))
            {
                // The subchannels lag behind the registry; the next picker (a resolver push or a connection) will do.
                return PickResult.ForQueue();
            }
        }

        _routing.Decided(decision);
        return PickResult.ForSubchannel(subchannel, new MeshCallTracker(_routing, decision, request));
    }

    private bool TryFind(in RouteDecision decision, out Subchannel subchannel)
    {
        subchannel = null!;
        return decision.Endpoint is { } endpoint
            && _ready.TryGetValue(new EndpointAddress(endpoint.Address, endpoint.Port), out subchannel!);
    }
}
