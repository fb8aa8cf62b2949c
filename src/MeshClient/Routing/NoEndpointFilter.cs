using MeshClient.Registry;

namespace MeshClient.Routing;

/// <summary>The filter of plain decisions: excludes nothing (and compiles away).</summary>
internal readonly struct NoEndpointFilter : IEndpointFilter
{
    public bool Excludes(MeshService service, MeshEndpoint endpoint) => false;

    public bool MayExclude(MeshService service) => false;
}
