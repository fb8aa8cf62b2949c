// samples/AspNetApp: discovery from Pilot, routing by router.yaml and DestinationRule subsets, a typed HttpClient
// through the mesh that carries the incoming request's X-User header, and a health check of the Pilot connection.
using MeshClient.Samples.AspNetApp;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddMeshDiscovery(builder.Configuration.GetSection("Mesh"));

// router.yaml's match.headers test the outgoing request: copy X-User over from the incoming one.
builder.Services.AddHeaderPropagation(o => o.Headers.Add("X-User"));
builder.Services.AddHttpClient<ReviewsClient>(c => c.BaseAddress = new Uri("http://reviews:9080"))
                .AddHeaderPropagation()          // first, so the mesh routing handler sees the copied header
                .AddMeshRouting();
builder.Services.AddHealthChecks().AddMeshDiscoveryCheck();

var app = builder.Build();
app.UseHeaderPropagation();

app.MapGet("/productpage/{id:int}", async (int id, ReviewsClient reviews, CancellationToken ct) =>
    Results.Text(await reviews.GetReviewsAsync(id, ct)));
app.MapHealthChecks("/healthz");

app.Run();
