using Microsoft.Extensions.DependencyInjection;

namespace MeshClient.Samples.GrpcClient.Shapes;

/// <summary>Proxyless with DI: AddMeshDiscovery makes xds:/// addresses work for AddGrpcClient.</summary>
internal static class XdsDependencyInjection
{
    public static void Register(IServiceCollection services)
    {
        // After services.AddMeshDiscovery(...):
        services.AddGrpcClient<Reviews.ReviewsClient>("reviews-xds", o => o.Address = new Uri("xds:///reviews:9080"));
    }
}
