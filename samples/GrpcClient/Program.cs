// Every way to send gRPC calls through the mesh, against an in-process FakePilot naming two Grpc.AspNetCore pods of
// `reviews` (pod-a, pod-b). Each shape makes 6 calls on one channel and prints which pod answered each: they
// alternate, because every call, not every connection, is balanced. (A new xds:/// channel connects to every pod at
// once and balances over those connected, so its first calls may go to the pod that connected first.)
//
//   dotnet run --project samples/GrpcClient
using MeshClient;
using MeshClient.Samples.GrpcClient;
using MeshClient.Samples.GrpcClient.Shapes;
using MeshClient.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

await using var pods = await ReviewsPods.StartAsync("pod-a", "pod-b");
await using var pilot = await FakePilot.StartAsync();
pilot.SetService("reviews.default", 9080, pods.Ports.Values.Select(port => new FakeEndpoint("127.0.0.1", port)));

void Configure(MeshOptions options)
{
    options.Pilot.Address = pilot.Address.ToString();
    options.Namespace = "default";
    options.Service.Name = "productpage";
}

// A console app: one MeshDiscovery.
var consoleOptions = new MeshOptions();
Configure(consoleOptions);
await using (var mesh = await MeshDiscovery.StartAsync(consoleOptions))
{
    await ShowAsync("mesh.CreateGrpcChannel(\"xds:///reviews:9080\")", calls => XdsConsole.CallAsync(mesh, calls));
    await ShowAsync("GrpcChannelOptions.HttpHandler = mesh.CreateHandler()", calls => HandlerConsole.CallAsync(mesh, calls));
    await ShowAsync("GrpcChannelOptions.HttpClient = new HttpClient(mesh.CreateHandler())", calls => HttpClientConsole.CallAsync(mesh, calls));
    await ShowAsync("GrpcChannelOptions.HttpHandler = MeshHttpHandler.Create(router, options)", calls => RouterHandler.CallAsync(mesh.Router, calls));
}

// An app with dependency injection.
var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddMeshDiscovery(Configure);
XdsDependencyInjection.Register(builder.Services);
HandlerDependencyInjection.Register(builder.Services);
using var host = builder.Build();
await host.StartAsync();
var factory = host.Services.GetRequiredService<Grpc.Net.ClientFactory.GrpcClientFactory>();
await ShowAsync("AddGrpcClient(o => o.Address = new(\"xds:///reviews:9080\"))", calls =>
    CallAsync(factory.CreateClient<Reviews.ReviewsClient>("reviews-xds"), calls));
await ShowAsync("AddGrpcClient(o => o.Address = new(\"http://reviews:9080\")).AddMeshRouting()", calls =>
    CallAsync(factory.CreateClient<Reviews.ReviewsClient>("reviews-http"), calls));
await ShowAsync("GrpcChannel.ForAddress(\"xds:///reviews:9080\", new() { ServiceProvider = app.Services })", calls =>
    XdsServiceProvider.CallAsync(host.Services, calls));
await host.StopAsync();

static async Task ShowAsync(string shape, Func<int, Task<List<string>>> call) =>
    Console.WriteLine($"{shape,-90} {string.Join(" ", await call(6))}");

static async Task<List<string>> CallAsync(Reviews.ReviewsClient reviews, int calls)
{
    var answered = new List<string>();
    for (var i = 0; i < calls; i++)
    {
        answered.Add((await reviews.GetAsync(new ReviewRequest { Product = i })).Pod);
    }

    return answered;
}
