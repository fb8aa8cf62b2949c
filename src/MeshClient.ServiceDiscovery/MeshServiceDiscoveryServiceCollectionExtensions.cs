using MeshClient.ServiceDiscovery;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.ServiceDiscovery;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers MeshClient's registry as an endpoint provider for Microsoft.Extensions.ServiceDiscovery.</summary>
public static class MeshServiceDiscoveryServiceCollectionExtensions
{
    /// <summary>
    /// Makes the endpoints Istio Pilot names the answer of Microsoft.Extensions.ServiceDiscovery: <c>http://reviews</c>
    /// and <c>https+http://reviews</c> resolve to the routable endpoints of <c>reviews</c> in MeshClient's registry
    /// (<c>http://_9080.reviews</c> for one port of a service with several), refreshed when Pilot pushes a change.
    /// Call it after <c>AddServiceDiscovery()</c>, with <c>AddMeshDiscovery(...)</c> connecting to Pilot.
    /// </summary>
    /// <remarks>
    /// Called after <c>AddServiceDiscovery()</c>, the provider runs after the configuration provider (endpoints
    /// configured under <c>Services:NAME</c> win) and before the pass-through provider, which service discovery always
    /// runs last (it then answers only for names Pilot does not know). Calling it twice registers it once.
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddMeshServiceEndpointProvider(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        // Service discovery runs the providers in registration order, the pass-through one always last.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceEndpointProviderFactory, MeshServiceEndpointProviderFactory>());
        return services;
    }
}
