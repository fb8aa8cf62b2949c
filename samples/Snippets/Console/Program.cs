// dotnet add package MeshClient; dotnet add package Microsoft.Extensions.Logging.Console
using MeshClient;
using Microsoft.Extensions.Logging;

using var loggerFactory = LoggerFactory.Create(logging => logging.AddConsole());

await using var mesh = await MeshDiscovery.StartAsync(new MeshOptions
{
    Namespace = "default",
    Service = { Name = "productpage" },
    Pilot = { Address = "grpc://istiod.istio-system:15010" },
    Routing = { RouterFile = "router.yaml", DestinationRuleFiles = { "destination-rule.yaml" } },
}, loggerFactory);

using var reviews = new HttpClient(mesh.CreateHandler()) { BaseAddress = new Uri("http://reviews:9080") };
var body = await reviews.GetStringAsync("/reviews/1");
Console.WriteLine(body);
