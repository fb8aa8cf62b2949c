using System.Text.Json;
using System.Text.RegularExpressions;
using MeshClient.Cli.Commands;
using MeshClient.Cli.Output;
using MeshClient.Registry;

namespace MeshClient.Cli.Tests.Commands;

public sealed class RouteCommandTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly SeedFiles _seed;

    public RouteCommandTests()
    {
        _seed = MeshctlFixtures.WriteSeed(_directory);
    }

    public void Dispose() => _directory.Dispose();

    private static Task<CommandRun> Route(params string[] args) => Route(null, args);

    private static Task<CommandRun> Route(IRegistrySource? pilot, params string[] args) => CommandRun.RunAsync(new RouteCommand(pilot), args);

    private string[] SeedArgs(params string[] more) =>
        ["--service", "reviews", "--router", _seed.Router, "--destination-rules", _seed.DestinationRules, "--registry", _seed.Registry, .. more];

    [Fact]
    public async Task Seed_example_gives_exactly_400_400_200_in_text()
    {
        var run = await Route(SeedArgs());

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(run.Stderr);
        var lines = run.StdoutLines;
        Assert.Equal($"Service: reviews ({MeshctlFixtures.ReviewsHost}:9080), 1000 calls", lines[0]);
        Assert.Equal("Rule:    1 (precedence 2)", lines[1]);
        Assert.Matches(@"^SUBSET\s+TAGS\s+CALLS\s+SHARE$", lines[2]);
        Assert.Matches(@"^v1\s+version=v1\s+400\s+40\.0%\s+#{16}$", lines[3]);
        Assert.Matches(@"^v2\s+debug=true,version=v2\s+400\s+40\.0%\s+#{16}$", lines[4]);
        Assert.Matches(@"^v3\s+version=v3\s+200\s+20\.0%\s+#{8}$", lines[5]);
        Assert.Matches(@"^ENDPOINT\s+CALLS\s+SHARE$", lines[6]);
        var endpoints = lines[7..].Select(l => Regex.Match(l, @"^(\S+):9080\s+(\d+)\s+(\S+)%$")).ToList();
        Assert.All(endpoints, m => Assert.True(m.Success));
        var byAddress = endpoints.ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value));
        Assert.Equal(
            new Dictionary<string, int> { ["10.1.1.1"] = 200, ["10.1.1.2"] = 200, ["10.1.2.1"] = 200, ["10.1.2.2"] = 200, ["10.1.3.1"] = 100, ["10.1.3.2"] = 100 },
            byAddress);
    }

    [Fact]
    public async Task Seed_example_gives_exactly_400_400_200_in_json()
    {
        var run = await Route(SeedArgs("--json"));

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.Equal(["service", "calls", "rule", "subsets", "endpoints"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("reviews", root.GetProperty("service").GetString());
        Assert.Equal(1000, root.GetProperty("calls").GetInt32());
        Assert.Equal(1, root.GetProperty("rule").GetProperty("number").GetInt32());
        Assert.Equal(2, root.GetProperty("rule").GetProperty("precedence").GetInt32());

        var subsets = root.GetProperty("subsets").EnumerateArray()
            .ToDictionary(s => string.Join(',', s.GetProperty("tags").EnumerateObject().Select(t => $"{t.Name}={t.Value.GetString()}")), s => s.GetProperty("count").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["version=v1"] = 400, ["debug=true,version=v2"] = 400, ["version=v3"] = 200 }, subsets);

        var endpoints = root.GetProperty("endpoints").EnumerateArray().ToList();
        Assert.All(endpoints, e => Assert.Equal(["address", "port", "count"], e.EnumerateObject().Select(p => p.Name)));
        Assert.All(endpoints, e => Assert.Equal(9080, e.GetProperty("port").GetInt32()));
        var bySubset = endpoints
            .GroupBy(e => MeshctlFixtures.SubsetOf(e.GetProperty("address").GetString()!))
            .ToDictionary(g => g.Key, g => g.Sum(e => e.GetProperty("count").GetInt32()));
        Assert.Equal(new Dictionary<string, int> { ["v1"] = 400, ["v2"] = 400, ["v3"] = 200 }, bySubset);
        Assert.Equal(6, endpoints.Count);
    }

    [Fact]
    public async Task Json_has_the_documented_shape_exactly()
    {
        var run = await Route(SeedArgs("--json", "--calls", "5"));

        // Smooth weighted round robin over 40/40/20: v1, v2, v3, v1, v2; endpoints round robin inside each subset.
        Assert.Equal(
            """{"service":"reviews","calls":5,"rule":{"number":1,"precedence":2},"subsets":[{"tags":{"version":"v1"},"count":2},{"tags":{"debug":"true","version":"v2"},"count":2},{"tags":{"version":"v3"},"count":1}],"endpoints":[{"address":"10.1.1.1","port":9080,"count":1},{"address":"10.1.2.1","port":9080,"count":1},{"address":"10.1.3.1","port":9080,"count":1},{"address":"10.1.1.2","port":9080,"count":1},{"address":"10.1.2.2","port":9080,"count":1}]}""",
            run.Stdout.TrimEnd());
    }

    [Fact]
    public async Task Headers_select_the_rule()
    {
        var router = _directory.Write("headers.yaml", """
            routeRule:
              reviews:
                - precedence: 3
                  match:
                    headers:
                      X-User: {exact: jason}
                  route: [{tags: {version: v3}, weight: 100}]
                - precedence: 1
                  route: [{tags: {version: v1}, weight: 100}]
            """);
        string[] common = ["--service", "reviews", "--router", router, "--destination-rules", _seed.DestinationRules, "--registry", _seed.Registry, "--json"];

        var jason = await Route([.. common, "--header", "X-User=jason"]);
        AssertSingleSubset(jason, ruleNumber: 1, precedence: 3, version: "v3");

        var lowerCaseName = await Route([.. common, "--header", "x-user=jason"]);
        AssertSingleSubset(lowerCaseName, ruleNumber: 1, precedence: 3, version: "v3");

        var other = await Route([.. common, "--header", "X-User=bob"]);
        AssertSingleSubset(other, ruleNumber: 2, precedence: 1, version: "v1");

        var none = await Route(common);
        AssertSingleSubset(none, ruleNumber: 2, precedence: 1, version: "v1");
    }

    [Fact]
    public async Task Source_and_source_tags_select_the_rule()
    {
        var router = _directory.Write("source.yaml", """
            routeRule:
              reviews:
                - precedence: 5
                  match: {source: productpage}
                  route: [{tags: {version: v2, debug: "true"}, weight: 100}]
                - precedence: 4
                  match: {sourceTags: {app: gateway, zone: a}}
                  route: [{tags: {version: v3}, weight: 100}]
                - precedence: 1
                  route: [{tags: {version: v1}, weight: 100}]
            """);
        string[] common = ["--service", "reviews", "--router", router, "--destination-rules", _seed.DestinationRules, "--registry", _seed.Registry, "--json", "--calls", "10"];

        AssertSingleSubset(await Route([.. common, "--source", "productpage"]), 1, 5, "v2");
        AssertSingleSubset(await Route([.. common, "--source", "ratings"]), 3, 1, "v1");
        AssertSingleSubset(await Route([.. common, "--source-tag", "app=gateway", "--source-tag", "zone=a"]), 2, 4, "v3");
        AssertSingleSubset(await Route([.. common, "--source-tag", "app=gateway"]), 3, 1, "v1");
        AssertSingleSubset(await Route([.. common, "--source-tag", "app=gateway", "--source-tag", "zone=b"]), 3, 1, "v1");
    }

    [Fact]
    public async Task No_rule_matched_gives_a_null_rule_and_every_routable_endpoint()
    {
        var router = _directory.Write("nomatch.yaml", """
            routeRule:
              reviews:
                - match: {source: productpage}
                  route: [{tags: {version: v1}, weight: 100}]
            """);
        string[] common = ["--service", "reviews", "--router", router, "--registry", _seed.Registry, "--calls", "600"];

        var json = await Route([.. common, "--json"]);
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("rule").ValueKind);
        var subset = Assert.Single(document.RootElement.GetProperty("subsets").EnumerateArray());
        Assert.Empty(subset.GetProperty("tags").EnumerateObject());
        Assert.Equal(600, subset.GetProperty("count").GetInt32());
        var endpoints = document.RootElement.GetProperty("endpoints").EnumerateArray().ToList();
        Assert.Equal(6, endpoints.Count);
        Assert.All(endpoints, e => Assert.Equal(100, e.GetProperty("count").GetInt32()));

        var text = await Route(common);
        Assert.Equal("Rule:    no rule matched (every routable endpoint)", text.StdoutLines[1]);
        Assert.Matches(@"^-\s+\(any\)\s+600\s+100\.0%\s+#{40}$", text.StdoutLines[3]);
    }

    [Fact]
    public async Task Remainder_goes_to_the_latest_version_and_is_listed()
    {
        var router = _directory.Write("remainder.yaml", """
            routeRule:
              reviews:
                - precedence: 1
                  route: [{tags: {version: v1}, weight: 70}]
            """);
        string[] common = ["--service", "reviews", "--router", router, "--destination-rules", _seed.DestinationRules, "--registry", _seed.Registry];

        var json = await Route([.. common, "--json"]);
        using var document = JsonDocument.Parse(json.Stdout);
        var subsets = document.RootElement.GetProperty("subsets").EnumerateArray()
            .ToDictionary(s => s.GetProperty("tags").GetProperty("version").GetString()!, s => s.GetProperty("count").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["v1"] = 700, ["v3"] = 300 }, subsets);

        var text = await Route(common);
        Assert.Contains(text.StdoutLines, l => Regex.IsMatch(l, @"^v3\s+version=v3 \(remainder\)\s+300\s+30\.0%\s+#{12}$"));
    }

    [Fact]
    public async Task Calls_that_find_no_endpoint_are_counted_and_explained()
    {
        var router = _directory.Write("missing.yaml", """
            routeRule:
              reviews:
                - precedence: 1
                  route:
                  - {tags: {version: v1}, weight: 50}
                  - {tags: {version: v9}, weight: 50}
            """);
        string[] common = ["--service", "reviews", "--router", router, "--destination-rules", _seed.DestinationRules, "--registry", _seed.Registry, "--calls", "100"];

        var json = await Route([.. common, "--json"]);
        Assert.Equal(0, json.ExitCode);
        using var document = JsonDocument.Parse(json.Stdout);
        var subsets = document.RootElement.GetProperty("subsets").EnumerateArray()
            .ToDictionary(s => s.GetProperty("tags").GetProperty("version").GetString()!, s => s.GetProperty("count").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["v1"] = 50, ["v9"] = 50 }, subsets);
        Assert.Equal(50, document.RootElement.GetProperty("endpoints").EnumerateArray().Sum(e => e.GetProperty("count").GetInt32()));

        var text = await Route(common);
        Assert.Contains("  50 of the calls to version=v9 found no routable endpoint", text.StdoutLines);
        Assert.Contains("No endpoint: 50 calls (50.0%), no routable endpoint carries the chosen tags", text.StdoutLines);
    }

    [Fact]
    public async Task Namespace_resolves_a_bare_name_and_destination_rules_without_one()
    {
        var directory = _directory;
        var registry = directory.Write("shop.json", RegistryJson.Write(MeshctlFixtures.SeedClusters("reviews.shop.svc.cluster.local")));

        var inDefault = await Route("--service", "reviews", "--router", _seed.Router, "--registry", registry);
        Assert.Equal(1, inDefault.ExitCode);

        var run = await Route("--service", "reviews", "--namespace", "shop", "--router", _seed.Router, "--destination-rules", _seed.DestinationRules, "--registry", registry, "--json", "--calls", "10");
        Assert.True(run.ExitCode == 0, run.ToString());
        using var document = JsonDocument.Parse(run.Stdout);
        Assert.Equal(3, document.RootElement.GetProperty("subsets").GetArrayLength());
        Assert.Equal(10, document.RootElement.GetProperty("endpoints").EnumerateArray().Sum(e => e.GetProperty("count").GetInt32()));
    }

    [Fact]
    public async Task Unknown_service_is_a_clear_runtime_failure()
    {
        var run = await Route("--service", "details", "--router", _seed.Router, "--registry", _seed.Registry);

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Equal(
            $"meshctl route: no service 'details' in namespace 'default' in the registry file {_seed.Registry}; it has 2 services: ratings.default.svc.cluster.local, reviews.default.svc.cluster.local",
            run.Stderr.TrimEnd());
    }

    [Fact]
    public async Task A_service_with_several_ports_needs_one_named()
    {
        var clusters = MeshctlFixtures.SeedClusters().Add(new MeshCluster($"outbound|9090||{MeshctlFixtures.ReviewsHost}", [new MeshEndpoint("10.1.9.1", 9090)]));
        var registry = _directory.Write("ports.json", RegistryJson.Write(clusters));

        var ambiguous = await Route("--service", "reviews", "--router", _seed.Router, "--registry", registry);
        Assert.Equal(1, ambiguous.ExitCode);
        Assert.Contains("service 'reviews' has several ports (9080, 9090)", ambiguous.Stderr, StringComparison.Ordinal);
        Assert.Contains("name one as reviews:PORT", ambiguous.Stderr, StringComparison.Ordinal);

        var wrongPort = await Route("--service", "reviews:7000", "--router", _seed.Router, "--registry", registry);
        Assert.Equal(1, wrongPort.ExitCode);
        Assert.Contains("service 'reviews' has no port 7000", wrongPort.Stderr, StringComparison.Ordinal);

        var ratingsOnly = _directory.Write("ratings.yaml", """
            routeRule:
              ratings:
                - route: [{tags: {version: v1}, weight: 100}]
            """);
        var named = await Route("--service", "reviews:9090", "--router", ratingsOnly, "--registry", registry, "--json", "--calls", "3");
        Assert.True(named.ExitCode == 0, named.ToString());
        using var document = JsonDocument.Parse(named.Stdout);
        Assert.Equal("reviews:9090", document.RootElement.GetProperty("service").GetString());
        var endpoint = Assert.Single(document.RootElement.GetProperty("endpoints").EnumerateArray());
        Assert.Equal("10.1.9.1", endpoint.GetProperty("address").GetString());
        Assert.Equal(3, endpoint.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Bad_router_yaml_prints_file_line_column_and_exits_2()
    {
        var router = _directory.Write("bad-router.yaml", """
            routeRule:
              reviews:
                - precedence: 2
                  route:
                  - tags: {version: v1}
                    weight: 140
            """);

        var run = await Route("--service", "reviews", "--router", router, "--registry", _seed.Registry);

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Stdout);
        var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches($@"^{Regex.Escape(router)}:\d+:\d+: \S.*$", line.TrimEnd('\r'));
    }

    [Fact]
    public async Task An_unclosed_flow_sequence_in_router_yaml_prints_one_line_with_the_position_and_exits_2()
    {
        var router = _directory.Write("unclosed.yaml", "routeRule:\n  reviews:\n    - match:\n        headers:\n          user:\n            regex: [jason\n      route: [{tags: {version: v1}, weight: 100}]\n");

        var run = await Route("--service", "reviews", "--router", router, "--registry", _seed.Registry);

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Stdout);
        var line = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches($@"^{Regex.Escape(router)}:\d+:\d+: \S.*$", line.TrimEnd('\r'));
    }

    [Fact]
    public async Task Unparseable_router_yaml_names_the_position()
    {
        var router = _directory.Write("broken.yaml", "routeRule:\n  reviews:\n    - precedence: 2\n   route: [\n");

        var run = await Route("--service", "reviews", "--router", router, "--registry", _seed.Registry);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith(router + ":4:", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_destination_rule_prints_file_line_column_and_exits_2()
    {
        var rules = _directory.Write("bad-dr.yaml", """
            apiVersion: networking.istio.io/v1alpha3
            kind: DestinationRule
            metadata:
              name: reviews
            spec:
              host: reviews
              subsets:
              - name: v1
                labels:
                  version: v1
              - name: v1
                labels:
                  version: v2
            """);

        var run = await Route("--service", "reviews", "--router", _seed.Router, "--destination-rules", rules, "--registry", _seed.Registry);

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Matches($@"^{Regex.Escape(rules)}:\d+:\d+: \S", run.Stderr);
    }

    [Fact]
    public async Task Two_destination_rule_files_for_one_host_are_a_configuration_error()
    {
        var second = _directory.Write("second-dr.yaml", MeshctlFixtures.SeedDestinationRuleYaml);

        var run = await Route("--service", "reviews", "--router", _seed.Router, "--destination-rules", _seed.DestinationRules, "--destination-rules", second, "--registry", _seed.Registry);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith(second + ":", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("a second DestinationRule for host", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_router_file_is_a_configuration_error()
    {
        var missing = Path.Combine(_directory.Path, "nope.yaml");

        var run = await Route("--service", "reviews", "--router", missing, "--registry", _seed.Registry);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith(missing + ": cannot read the file:", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\n  \"clusters\": [,]\n}", ":2:")]
    [InlineData("{}", ": the document has no \"clusters\" array")]
    [InlineData("""{"clusters":[{"name":"c","endpoints":[{"address":"10.0.0.1","port":70000}]}]}""", ": cluster \"c\": endpoints[0]: \"port\" must be a number from 1 to 65535.")]
    public async Task Bad_registry_file_prints_its_format_error_and_exits_2(string content, string expected)
    {
        var registry = _directory.Write("bad-registry.json", content);

        var run = await Route("--service", "reviews", "--router", _seed.Router, "--registry", registry);

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.StartsWith(registry + expected, run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_registry_file_is_a_configuration_error()
    {
        var missing = Path.Combine(_directory.Path, "none.json");

        var run = await Route("--service", "reviews", "--router", _seed.Router, "--registry", missing);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith(missing + ": cannot read the file:", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("the registry is missing: give '--pilot ADDRESS' or '--registry FILE'", "--service", "reviews", "--router", "r.yaml")]
    [InlineData("give either '--pilot' or '--registry', not both", "--service", "reviews", "--router", "r.yaml", "--registry", "x.json", "--pilot", "grpc://pilot:15010")]
    [InlineData("option '--xds' applies to '--pilot' only", "--service", "reviews", "--router", "r.yaml", "--registry", "x.json", "--xds", "v2")]
    [InlineData("option '--timeout' applies to '--pilot' only", "--service", "reviews", "--router", "r.yaml", "--registry", "x.json", "--timeout", "3")]
    [InlineData("option '--calls' must be a whole number above 0, not '0'", "--service", "reviews", "--router", "r.yaml", "--registry", "x.json", "--calls", "0")]
    [InlineData("option '--calls' must be a whole number above 0, not 'many'", "--service", "reviews", "--router", "r.yaml", "--registry", "x.json", "--calls", "many")]
    [InlineData("option '--header' takes KEY=VALUE, not 'X-User'", "--service", "reviews", "--router", "r.yaml", "--registry", "x.json", "--header", "X-User")]
    [InlineData("option '--source-tag' takes KEY=VALUE, not '=v1'", "--service", "reviews", "--router", "r.yaml", "--registry", "x.json", "--source-tag", "=v1")]
    [InlineData("option '--service' takes NAME or NAME:PORT with a port from 1 to 65535, not 'reviews:http'", "--service", "reviews:http", "--router", "r.yaml", "--registry", "x.json")]
    [InlineData("option '--service' must name a service (reviews, reviews.default or its host), not 'outbound|9080||reviews'", "--service", "outbound|9080||reviews", "--router", "r.yaml", "--registry", "x.json")]
    [InlineData("option '--namespace' must be a Kubernetes namespace name (lower-case letters, digits and '-', at most 63), not 'Default'", "--service", "reviews", "--namespace", "Default", "--router", "r.yaml", "--registry", "x.json")]
    [InlineData("option '--xds' must be v2 or v3, not 'v4'", "--service", "reviews", "--router", "r.yaml", "--pilot", "grpc://pilot:15010", "--xds", "v4")]
    public async Task Argument_errors_exit_2_with_a_message(string message, params string[] args)
    {
        var pilot = new FakeRegistrySource(MeshctlFixtures.SeedSnapshot());

        var run = await Route(pilot, args);

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Stdout);
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("meshctl route: " + message, lines[0], StringComparison.Ordinal);
        Assert.Equal("Run 'meshctl route --help' for the options.", lines[1]);
        Assert.Empty(pilot.Requests);
    }

    [Theory]
    [InlineData("Option '--service' is required.", "--router", "r.yaml", "--registry", "x.json")]
    [InlineData("Option '--router' is required.", "--service", "reviews", "--registry", "x.json")]
    [InlineData("Unrecognized command or argument '--registries'.", "--service", "reviews", "--router", "r.yaml", "--registries", "x.json")]
    [InlineData("Unrecognized command or argument 'reviews'.", "reviews", "--router", "r.yaml")]
    [InlineData("option '--router' needs a value, not the option '--registry'", "--service", "reviews", "--router", "--registry", "x.json")]
    public async Task Parse_errors_exit_2_naming_the_option(string message, params string[] args)
    {
        var pilot = new FakeRegistrySource(MeshctlFixtures.SeedSnapshot());

        var run = await Route(pilot, args);

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Stdout);
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Contains("meshctl route: " + message, lines);
        Assert.Equal("Run 'meshctl route --help' for the options.", lines[^1]);
        Assert.Empty(pilot.Requests);
    }

    [Fact]
    public async Task Pilot_registry_comes_from_the_registry_source()
    {
        var pilot = new FakeRegistrySource(MeshctlFixtures.SeedSnapshot());

        var run = await Route(pilot, "--service", "reviews", "--namespace", "default", "--router", _seed.Router, "--destination-rules", _seed.DestinationRules, "--pilot", "istiod.istio-system:15010", "--xds", "v2", "--timeout", "3", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        var request = Assert.Single(pilot.Requests);
        Assert.Equal(new Uri("grpc://istiod.istio-system:15010"), request.Pilot);
        Assert.Equal(XdsApiVersion.V2, request.XdsVersion);
        Assert.Equal("default", request.Namespace);
        Assert.Equal(TimeSpan.FromSeconds(3), request.Timeout);
        Assert.Equal(TimeSpan.Zero, request.Settle);
        using var document = JsonDocument.Parse(run.Stdout);
        Assert.Equal([400, 400, 200], document.RootElement.GetProperty("subsets").EnumerateArray().Select(s => s.GetProperty("count").GetInt32()));
    }

    [Fact]
    public async Task Pilot_failure_exits_1_with_the_reason()
    {
        var pilot = new FakeRegistrySource((request, _) => Task.FromException<RegistrySnapshot>(new RegistrySourceException($"cannot reach Pilot at {request.PilotAddress}: connection refused")));

        var run = await Route(pilot, "--service", "reviews", "--router", _seed.Router, "--pilot", "grpc://127.0.0.1:1");

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Equal("meshctl route: cannot reach Pilot at grpc://127.0.0.1:1: connection refused", run.Stderr.TrimEnd());
    }

    [Fact]
    public async Task Configuration_is_checked_before_pilot_is_asked()
    {
        var pilot = new FakeRegistrySource(MeshctlFixtures.SeedSnapshot());
        var router = _directory.Write("bad.yaml", "routeRule: [");

        var run = await Route(pilot, "--service", "reviews", "--router", router, "--pilot", "grpc://pilot:15010");

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(pilot.Requests);
    }

    [Fact]
    public async Task A_build_without_pilot_says_so_and_exits_1()
    {
        var run = await Route((IRegistrySource?)null, "--service", "reviews", "--router", _seed.Router, "--pilot", "grpc://pilot:15010");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("cannot connect to Pilot; use 'meshctl route --registry FILE'", run.Stderr, StringComparison.Ordinal);
    }

    private static void AssertSingleSubset(CommandRun run, int ruleNumber, int precedence, string version)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        using var document = JsonDocument.Parse(run.Stdout);
        var root = document.RootElement;
        Assert.Equal(ruleNumber, root.GetProperty("rule").GetProperty("number").GetInt32());
        Assert.Equal(precedence, root.GetProperty("rule").GetProperty("precedence").GetInt32());
        var subset = Assert.Single(root.GetProperty("subsets").EnumerateArray());
        Assert.Equal(version, subset.GetProperty("tags").GetProperty("version").GetString());
        var calls = root.GetProperty("calls").GetInt32();
        Assert.Equal(calls, subset.GetProperty("count").GetInt32());
        Assert.All(root.GetProperty("endpoints").EnumerateArray(), e => Assert.Equal(version, MeshctlFixtures.SubsetOf(e.GetProperty("address").GetString()!)));
        Assert.Equal(calls, root.GetProperty("endpoints").EnumerateArray().Sum(e => e.GetProperty("count").GetInt32()));
    }

    [Fact]
    public async Task A_registry_with_priorities_shows_each_endpoints_priority_and_the_spill_over()
    {
        // Priority 0: two endpoints, one unhealthy (health 50% x 1.4 = 70%); priority 1 takes the other 30%.
        var host = MeshctlFixtures.ReviewsHost;
        var registry = _directory.Write("priorities.json", RegistryJson.Write([new MeshCluster($"outbound|9080||{host}", [
            new MeshEndpoint("10.0.0.1", 9080),
            new MeshEndpoint("10.0.0.2", 9080, EndpointHealth.Unhealthy),
            new MeshEndpoint("10.0.1.1", 9080, priority: 1),
        ])]));
        var router = _directory.Write("other.yaml", "routeRule:\n  other:\n    - route: [{tags: {version: v1}, weight: 100}]\n");
        string[] common = ["--service", "reviews", "--router", router, "--registry", registry, "--calls", "100"];

        var text = await Route(common);
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains(text.StdoutLines, l => Regex.IsMatch(l, @"^ENDPOINT\s+PRIORITY\s+CALLS\s+SHARE$"));
        Assert.Contains(text.StdoutLines, l => Regex.IsMatch(l, @"^10\.0\.0\.1:9080\s+0\s+70\s+70\.0%$"));
        Assert.Contains(text.StdoutLines, l => Regex.IsMatch(l, @"^10\.0\.1\.1:9080\s+1\s+30\s+30\.0%$"));

        var json = await Route([.. common, "--json"]);
        using var document = JsonDocument.Parse(json.Stdout);
        var endpoints = document.RootElement.GetProperty("endpoints").EnumerateArray()
            .ToDictionary(e => e.GetProperty("address").GetString()!, e => (e.GetProperty("priority").GetUInt32(), e.GetProperty("count").GetInt32()));
        Assert.Equal((0u, 70), endpoints["10.0.0.1"]);
        Assert.Equal((1u, 30), endpoints["10.0.1.1"]);
    }
}
