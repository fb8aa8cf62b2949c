using MeshClient.ServiceDiscovery;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.ServiceDiscovery;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers MeshClient's registry as an endpoint provider for Microsoft.Extensions.ServiceDiscovery.</summary>
public static class MeshServiceDiscoveryServiceCollectionExtensions
{
    private const string PassThroughFactory = "Microsoft.Extensions.ServiceDiscovery.PassThrough.PassThroughServiceEndpointProviderFactory";

    /// <summary>
    /// Makes the endpoints Istio Pilot names the answer of Microsoft.Extensions.ServiceDiscovery: <c>http://reviews</c>
    /// and <c>https+http://reviews</c> resolve to the routable endpoints of <c>reviews</c> in MeshClient's registry
    /// (<c>http://_9080.reviews</c> for one port of a service with several), refreshed when Pilot pushes a change.
    /// Call it after <c>AddServiceDiscovery()</c>, with <c>AddMeshDiscovery(...)</c> connecting to Pilot.
    /// </summary>
    /// <remarks>
    /// The provider runs after the configuration provider (endpoints configured under <c>Services:NAME</c> win) and
    /// before the pass-through provider (which then answers only for names Pilot does not know).
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddMeshServiceEndpointProvider(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var descriptor = ServiceDescriptor.Singleton<IServiceEndpointProviderFactory, MeshServiceEndpointProviderFactory>();
        if (services.Any(d => d.ServiceType == typeof(IServiceEndpointProviderFactory) && d.ImplementationType == typeof(MeshServiceEndpointProviderFactory)))
        {
            return services;
        }

        // Providers run in registration order and the pass-through one answers anything still unresolved, so the
        // mesh goes right before it.
        var passThrough = services.ToList().FindIndex(d => d.ServiceType == typeof(IServiceEndpointProviderFactory) && d.ImplementationType?.FullName == PassThroughFactory);
        if (passThrough >= 0)
        {
            services.Insert(passThrough, descriptor);
        }
        else
        {
            services.Add(descriptor);
        }

        return services;
    }
}
