using Microsoft.Extensions.DependencyInjection;

namespace MeshClient.Samples.GrpcClient.Shapes;

/// <summary>An http:// gRPC client with DI, routed by the mesh handler AddMeshRouting adds.</summary>
internal static class HandlerDependencyInjection
{
    public static void Register(IServiceCollection services)
    {
        // After services.AddMeshDiscovery(...):
        services.AddGrpcClient<Reviews.ReviewsClient>("reviews-http", o => o.Address = new Uri("http://reviews:9080"))
                .AddMeshRouting();
    }
}
