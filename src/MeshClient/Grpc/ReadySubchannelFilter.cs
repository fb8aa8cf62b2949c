using Grpc.Net.Client.Balancer;
using MeshClient.LoadBalancing;
using MeshClient.Registry;
using MeshClient.Resilience;
using MeshClient.Routing;

namespace MeshClient.Grpc;

/// <summary>Excludes from a pick the endpoints without a ready subchannel and the ejected outliers.</summary>
internal readonly struct ReadySubchannelFilter : IEndpointFilter
{
    private readonly IReadOnlyDictionary<EndpointAddress, Subchannel> _ready;
    private readonly ServiceOutlierDetectors? _outliers;

    public ReadySubchannelFilter(IReadOnlyDictionary<EndpointAddress, Subchannel> ready, ServiceOutlierDetectors? outliers)
    {
        _ready = ready;
        _outliers = outliers;
    }

    /// <summary>Always: an endpoint may not be connected yet (implemented here so the struct is not boxed per pick).</summary>
    public bool MayExclude(MeshService service) => true;

    public bool Excludes(MeshService service, MeshEndpoint endpoint) =>
        !_ready.ContainsKey(new EndpointAddress(endpoint.Address, endpoint.Port))
        || (_outliers is not null && _outliers.IsEjected(service, endpoint));
}
