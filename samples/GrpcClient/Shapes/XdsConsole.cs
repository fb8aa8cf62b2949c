namespace MeshClient.Samples.GrpcClient.Shapes;

/// <summary>Proxyless in a console app: the channel resolves the service from Pilot and balances every call itself.</summary>
internal static class XdsConsole
{
    public static async Task<List<string>> CallAsync(MeshDiscovery mesh, int calls)
    {
        using var channel = mesh.CreateGrpcChannel("xds:///reviews:9080");
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
