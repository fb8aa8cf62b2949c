namespace MeshClient.EndToEnd.Tests.Http;

/// <summary>A typed client, as an app writes one: the HttpClient it gets is the one AddMeshRouting configured.</summary>
internal sealed class ReviewsClient(HttpClient client)
{
    /// <summary>Gets a review and returns the name of the backend that answered.</summary>
    public async Task<string> GetReviewAsync(int id)
    {
        using var response = await client.GetAsync(new Uri($"/reviews/{id}", UriKind.Relative)).WaitAsync(MeshScenario.Bound);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync().WaitAsync(MeshScenario.Bound);
    }
}
