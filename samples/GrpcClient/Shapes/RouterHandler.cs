using Grpc.Net.Client;
using MeshClient;
using MeshClient.Http;
using MeshClient.Routing;

namespace MeshClient.Samples.GrpcClient.Shapes;

/// <summary>An http:// channel over a handler built from a router (a registry you fill yourself, or MeshDiscovery's).</summary>
internal static class RouterHandler
{
    public static async Task<List<string>> CallAsync(MeshRouter router, int calls)
    {
        using var channel = GrpcChannel.ForAddress("http://reviews:9080", new GrpcChannelOptions
        {
            HttpHandler = MeshHttpHandler.Create(router, new MeshOptions { Service = { Name = "productpage" } }),
            DisposeHttpClient = true,
        });
        var reviews = new Reviews.ReviewsClient(channel);
        var answered = new List<string>();
        for (var i = 0; i < calls; i++)
        {
            var reply = await reviews.GetAsync(new ReviewRequest { Product = i });
            answered.Add(reply.Pod);
        }

        return answered;
    }
}
