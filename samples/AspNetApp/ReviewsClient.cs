namespace MeshClient.Samples.AspNetApp;

/// <summary>A typed client of the reviews service; every call goes through the mesh.</summary>
internal sealed class ReviewsClient(HttpClient http)
{
    public Task<string> GetReviewsAsync(int productId, CancellationToken cancellationToken) =>
        http.GetStringAsync(new Uri($"/reviews/{productId}", UriKind.Relative), cancellationToken);
}
