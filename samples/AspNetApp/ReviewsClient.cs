namespace MeshClient.Samples.AspNetApp;

/// <summary>A typed client of the reviews service; every call goes through the mesh.</summary>
public sealed class ReviewsClient(HttpClient http)
{
    /// <summary>GET /reviews/{productId} on the endpoint MeshClient picks.</summary>
    public Task<string> GetReviewsAsync(int productId, CancellationToken cancellationToken) =>
        http.GetStringAsync(new Uri($"/reviews/{productId}", UriKind.Relative), cancellationToken);
}
