using MeshClient.Registry;

namespace MeshClient.Routing;

/// <summary>
/// Excludes endpoints from a routing decision (ejected outliers, endpoints a call already tried). Implement it on a
/// struct: the router is generic over the filter, so a decision stays free of allocations. When every candidate of
/// the chosen tag set is excluded, the decision goes to one of them anyway rather than fail.
/// </summary>
internal interface IEndpointFilter
{
    /// <summary>Whether <paramref name="endpoint"/> of <paramref name="service"/> must not take the call.</summary>
    /// <param name="service">The service port being routed.</param>
    /// <param name="endpoint">A candidate endpoint.</param>
    /// <returns><see langword="true"/> to skip the endpoint.</returns>
    bool Excludes(MeshService service, MeshEndpoint endpoint);

    /// <summary>
    /// Whether the filter may exclude any endpoint of <paramref name="service"/>; <see langword="false"/> lets a
    /// decision over several priority levels use their precomputed loads. Implement it on the struct (the default
    /// boxes).
    /// </summary>
    /// <param name="service">The service port being routed.</param>
    /// <returns><see langword="false"/> only when <see cref="Excludes"/> is false for every endpoint of the service.</returns>
    bool MayExclude(MeshService service) => true;
}
