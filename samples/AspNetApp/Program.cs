// A minimal ASP.NET app using MeshClient: discovery from Pilot, routing by router.yaml and DestinationRule
// subsets, a typed HttpClient through the mesh, and a health check of the Pilot connection.
using MeshClient.Samples.AspNetApp;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddMeshDiscovery(builder.Configuration.GetSection("Mesh"));
builder.Services.AddHttpClient<ReviewsClient>(c => c.BaseAddress = new Uri("http://reviews:9080")).AddMeshRouting();
builder.Services.AddHealthChecks().AddMeshDiscoveryCheck();

var app = builder.Build();

app.MapGet("/productpage/{id:int}", async (int id, ReviewsClient reviews, CancellationToken ct) =>
    Results.Text(await reviews.GetReviewsAsync(id, ct)));
app.MapHealthChecks("/healthz");

app.Run();
