using Grpc.Net.Client;

namespace MeshClient.Samples.GrpcClient.Shapes;

/// <summary>An http:// channel over an HttpClient whose handler is the mesh's.</summary>
internal static class HttpClientConsole
{
    public static async Task<List<string>> CallAsync(MeshDiscovery mesh, int calls)
    {
        using var httpClient = new HttpClient(mesh.CreateHandler());
        using var channel = GrpcChannel.ForAddress("http://reviews:9080", new GrpcChannelOptions { HttpClient = httpClient });
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
