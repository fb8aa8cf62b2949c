using MeshClient.Registry;
using MeshClient.Resilience;
using MeshClient.Routing;

namespace MeshClient.Http;

/// <summary>Excludes ejected outliers and the endpoints a call already tried from the decision of an attempt.</summary>
internal readonly struct AttemptEndpointFilter : IEndpointFilter
{
    private readonly ServiceOutlierDetectors? _outliers;
    private readonly List<MeshEndpoint>? _tried;

    public AttemptEndpointFilter(ServiceOutlierDetectors? outliers, List<MeshEndpoint>? tried)
    {
        _outliers = outliers;
        _tried = tried;
    }

    public bool MayExclude(MeshService service) => _tried is { Count: > 0 } || _outliers?.Find(service) is not null;

    public bool Excludes(MeshService service, MeshEndpoint endpoint)
    {
        if (_tried is not null)
        {
            foreach (var tried in _tried)
            {
                if (tried.HasSameAddress(endpoint))
                {
                    return true;
                }
            }
        }

        return _outliers is not null && _outliers.IsEjected(service, endpoint);
    }
}
