using Grpc.Net.Client.Balancer;
using Microsoft.Extensions.Logging;

namespace MeshClient.Grpc;

/// <summary>
/// The load balancer of an <c>xds:///</c> channel: one subchannel (one HTTP/2 connection) per endpoint the resolver
/// publishes, kept across pushes and added or removed as Pilot's endpoints change (Grpc.Net.Client's
/// <see cref="SubchannelsLoadBalancer"/> does the bookkeeping); each time the set of ready subchannels changes, a
/// <see cref="MeshSubchannelPicker"/> over them routes every call.
/// </summary>
internal sealed class MeshLoadBalancer : SubchannelsLoadBalancer
{
    private readonly MeshCallRouting _routing;
    private readonly ConnectionHistory _history;

    public MeshLoadBalancer(IChannelControlHelper controller, ILoggerFactory loggerFactory, MeshCallRouting routing)
        : this(new ConnectionHistory(controller), loggerFactory, routing)
    {
    }

    private MeshLoadBalancer(ConnectionHistory history, ILoggerFactory loggerFactory, MeshCallRouting routing)
        : base(history, loggerFactory)
    {
        _routing = routing;
        _history = history;
    }

    protected override SubchannelPicker CreatePicker(IReadOnlyList<Subchannel> readySubchannels) =>
        new MeshSubchannelPicker(_routing, _history, readySubchannels);
}
