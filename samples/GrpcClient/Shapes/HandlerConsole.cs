using Grpc.Net.Client;

namespace MeshClient.Samples.GrpcClient.Shapes;

/// <summary>An http:// channel over the mesh handler in a console app: the handler routes every call.</summary>
internal static class HandlerConsole
{
    public static async Task<List<string>> CallAsync(MeshDiscovery mesh, int calls)
    {
        using var channel = GrpcChannel.ForAddress("http://reviews:9080", new GrpcChannelOptions
        {
            HttpHandler = mesh.CreateHandler(),
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
