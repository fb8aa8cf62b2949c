using Grpc.Core;
using Grpc.Net.Client;

namespace MeshClient.Samples.GrpcClient.Shapes;

/// <summary>Proxyless with a channel you build yourself: give it the app's services, which hold the mesh's resolver.</summary>
internal static class XdsServiceProvider
{
    public static async Task<List<string>> CallAsync(IServiceProvider services, int calls)
    {
        using var channel = GrpcChannel.ForAddress("xds:///reviews:9080", new GrpcChannelOptions
        {
            ServiceProvider = services,
            Credentials = ChannelCredentials.Insecure,
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
