// dotnet add package MeshClient.ServiceDiscovery; dotnet add package Microsoft.Extensions.ServiceDiscovery
var builder = WebApplication.CreateBuilder(args);

builder.Services.AddMeshDiscovery(builder.Configuration.GetSection("Mesh"));
builder.Services.AddServiceDiscovery().AddMeshServiceEndpointProvider();
builder.Services.AddHttpClient<ReviewsClient>(c => c.BaseAddress = new Uri("https+http://reviews"))
                .AddServiceDiscovery();

var app = builder.Build();
app.MapGet("/productpage/{id:int}", (int id, ReviewsClient reviews, CancellationToken ct) => reviews.GetReviewsAsync(id, ct));
app.Run();

public sealed class ReviewsClient(HttpClient http)
{
    public Task<string> GetReviewsAsync(int productId, CancellationToken cancellationToken) =>
        http.GetStringAsync(new Uri($"/reviews/{productId}", UriKind.Relative), cancellationToken);
}
