// The seed scenario end to end: go-chassis router.yaml (40/40/20) + Istio DestinationRule subsets, endpoints from
// Pilot over xDS, 1,000 HttpClient calls through the mesh. By default everything runs in process: a FakePilot
// serving `reviews` and three Kestrel backends on loopback. `--pilot ADDRESS` points it at a real Pilot instead.
//
//   dotnet run --project samples/Demo [-- --json] [--calls N] [--pilot grpc://istiod.istio-system:15010 --xds v2|v3]
//                                      [--service reviews:9080] [--router FILE] [--destination-rules FILE]
using System.Globalization;
using MeshClient;
using MeshClient.Samples.Demo;
using MeshClient.Testing;
using MeshClient.Xds;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var json = args.Contains("--json");
var calls = int.Parse(Option("--calls") ?? "1000", CultureInfo.InvariantCulture);
var pilotAddress = Option("--pilot");
var service = Option("--service") ?? "reviews:9080";
var routerFile = Option("--router") ?? Path.Combine(AppContext.BaseDirectory, "router.yaml");
var destinationRuleFile = Option("--destination-rules") ?? Path.Combine(AppContext.BaseDirectory, "destination-rule.yaml");

await using var backends = pilotAddress is null ? await DemoBackends.StartAsync(["v1", "v2", "v3"]) : null;
await using var pilot = pilotAddress is null ? await FakePilot.StartAsync() : null;
if (pilot is not null && backends is not null)
{
    pilot.SetService(
        "reviews.default",
        9080,
        [
            Backend("v1", new() { ["version"] = "v1" }),
            Backend("v2", new() { ["version"] = "v2", ["debug"] = "true" }),
            Backend("v3", new() { ["version"] = "v3" }),
        ],
        [
            new FakeSubset("v1", new Dictionary<string, string> { ["version"] = "v1" }),
            new FakeSubset("v2", new Dictionary<string, string> { ["version"] = "v2", ["debug"] = "true" }),
            new FakeSubset("v3", new Dictionary<string, string> { ["version"] = "v3" }),
        ]);
}

var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(json ? LogLevel.Critical : LogLevel.Warning);
builder.Services.AddMeshDiscovery(options =>
{
    options.Pilot.Address = pilotAddress ?? pilot!.Address.ToString();
    options.Pilot.XdsVersion = string.Equals(Option("--xds"), "v2", StringComparison.OrdinalIgnoreCase) ? XdsVersion.V2 : XdsVersion.V3;
    options.Namespace = "default";
    options.Service.Name = "productpage";
    options.Routing.RouterFile = routerFile;
    options.Routing.DestinationRuleFiles.Add(destinationRuleFile);
});
builder.Services.AddHttpClient("reviews", c => c.BaseAddress = new Uri($"http://{service}")).AddMeshRouting();

using var host = builder.Build();
await host.StartAsync();

if (!json)
{
    // Say what was set up before the chart, so the numbers have a context.
    Console.WriteLine(pilot is not null && backends is not null
        ? $"Pilot:  an in-process fake Pilot (MeshClient.Testing's FakePilot) at {pilot.Address}, serving reviews.default:9080"
        : $"Pilot:  {pilotAddress}");
    if (backends is not null)
    {
        Console.WriteLine($"Pods:   three Kestrel backends on 127.0.0.1: v1 (version=v1) :{backends.Ports["v1"]}, v2 (version=v2, debug=true) :{backends.Ports["v2"]}, v3 (version=v3) :{backends.Ports["v3"]}");
    }

    Console.WriteLine(Option("--router") is null
        ? "Rule:   the seed's go-chassis rule (router.yaml): 40% version=v1, 40% version=v2 + debug=true, 20% version=v3, with the DestinationRule's subsets v1, v2, v3"
        : $"Rule:   {routerFile}, DestinationRule {destinationRuleFile}");
    Console.WriteLine($"Calls:  {calls} HttpClient calls to http://{service} through AddMeshRouting()");
    Console.WriteLine();
}

var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("reviews");
var subsets = new SortedDictionary<string, int>(StringComparer.Ordinal);
var failed = 0;
for (var i = 0; i < calls; i++)
{
    try
    {
        var answer = (await client.GetStringAsync("/")).Trim();
        subsets[answer] = subsets.GetValueOrDefault(answer) + 1;
    }
    catch (HttpRequestException e)
    {
        failed++;
        if (!json && failed <= 3)
        {
            Console.Error.WriteLine($"call {i + 1} failed: {e.Message}");
        }
    }
}

Console.WriteLine(json ? DemoReport.Json(calls, failed, subsets) : DemoReport.Text(calls, failed, subsets));
await host.StopAsync();
return failed == 0 ? 0 : 1;

FakeEndpoint Backend(string version, Dictionary<string, string> labels) =>
    new("127.0.0.1", backends!.Ports[version]) { Labels = labels };

string? Option(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}
