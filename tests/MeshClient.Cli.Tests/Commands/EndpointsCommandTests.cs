using System.Collections.Immutable;
using System.Text.Json;
using System.Text.RegularExpressions;
using MeshClient.Cli.Commands;
using MeshClient.Cli.Output;
using MeshClient.Registry;

namespace MeshClient.Cli.Tests.Commands;

public sealed class EndpointsCommandTests
{
    private static RegistrySnapshot Snapshot()
    {
        var labelled = new MeshEndpoint(
            "10.1.1.1",
            9080,
            EndpointHealth.Healthy,
            weight: 3,
            locality: new EndpointLocality("eu-west1", "eu-west1-b", "rack7"),
            priority: 1,
            labels: new Dictionary<string, string> { ["version"] = "v1", ["app"] = "reviews" });
        var clusters = MeshctlFixtures.SeedClusters()
            .SetItem(1, new MeshCluster($"outbound|9080|v1|{MeshctlFixtures.ReviewsHost}", [labelled, new MeshEndpoint("10.1.1.2", 9080, EndpointHealth.Draining)]))
            .Add(new MeshCluster($"outbound|9090||{MeshctlFixtures.ReviewsHost}", [new MeshEndpoint("10.1.9.1", 9090)]))
            .Add(new MeshCluster("outbound|9080||reviews.shop.svc.cluster.local", [new MeshEndpoint("10.3.0.1", 9080)]))
            .Add(new MeshCluster("inbound|9080||reviews.default.svc.cluster.local", [new MeshEndpoint("127.0.0.1", 9080)]))
            .Add(new MeshCluster("outbound|9080|v4|reviews.default.svc.cluster.local", ImmutableArray<MeshEndpoint>.Empty, endpointsReceived: false));
        return new RegistrySnapshot(7, clusters);
    }

    private static Task<CommandRun> Endpoints(IRegistrySource? source, params string[] args) => CommandRun.RunAsync(new EndpointsCommand(source), args);

    [Fact]
    public async Task Request_carries_the_options_and_their_defaults()
    {
        var source = new FakeRegistrySource(Snapshot());

        await Endpoints(source, "--pilot", "grpc://istiod.istio-system:15010");
        await Endpoints(source, "--pilot", "https://istiod.example.com", "--xds", "V2", "--namespace", "shop", "--timeout", "2.5", "--settle", "1");

        Assert.Equal(
            new EndpointsRequest(new Uri("grpc://istiod.istio-system:15010"), XdsApiVersion.V3, "default", TimeSpan.FromSeconds(10), TimeSpan.Zero),
            source.Requests[0]);
        Assert.Equal(
            new EndpointsRequest(new Uri("https://istiod.example.com"), XdsApiVersion.V2, "shop", TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(1)),
            source.Requests[1]);
    }

    [Fact]
    public async Task Text_lists_every_endpoint_with_its_cluster_and_a_summary()
    {
        var run = await Endpoints(new FakeRegistrySource(Snapshot()), "--pilot", "grpc://pilot:15010");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(run.Stderr);
        var lines = run.StdoutLines;
        Assert.Matches(@"^ENDPOINT\s+HEALTH\s+WEIGHT\s+PRIORITY\s+LOCALITY\s+LOCALITY LB\s+LABELS\s+CLUSTER$", lines[0]);
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^10\.1\.1\.1:9080\s+HEALTHY\s+3\s+1\s+eu-west1/eu-west1-b/rack7\s+off\s+app=reviews,version=v1\s+outbound\|9080\|v1\|reviews\.default\.svc\.cluster\.local$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^10\.1\.1\.2:9080\s+DRAINING\s+1\s+0\s+-\s+off\s+-\s+outbound\|9080\|v1\|reviews\.default\.svc\.cluster\.local$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^\(none\)(\s+-){4}\s+off\s+-\s+BlackHoleCluster$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^\(awaiting EDS\)(\s+-){4}\s+off\s+-\s+outbound\|9080\|v4\|reviews\.default\.svc\.cluster\.local$"));
        Assert.Equal("10 clusters, 16 endpoints (1 not routable)", lines[^1]);

        // Rows are sorted by cluster name, and columns line up: CLUSTER starts at the same place on every row.
        var clusterColumn = lines[0].IndexOf("CLUSTER", StringComparison.Ordinal);
        var rows = lines[1..^1];
        Assert.All(rows, r => Assert.True(r[clusterColumn - 2] == ' ' && r[clusterColumn] != ' ', r));
        var clusterNames = rows.Select(r => r[clusterColumn..]).ToList();
        Assert.Equal(clusterNames.Order(StringComparer.Ordinal), clusterNames);
        Assert.All(lines, l => Assert.Equal(l.TrimEnd(), l));
    }

    [Fact]
    public async Task Text_and_json_show_which_clusters_are_locality_weighted_with_the_priorities_as_received()
    {
        var host = MeshctlFixtures.ReviewsHost;
        var snapshot = new RegistrySnapshot(3,
        [
            new MeshCluster(
                $"outbound|9080||{host}",
                [
                    new MeshEndpoint("10.0.0.1", 9080, locality: new EndpointLocality("eu", "eu-1a", string.Empty), localityWeight: 7, priority: 0),
                    new MeshEndpoint("10.0.0.2", 9080, locality: new EndpointLocality("eu", "eu-1b", string.Empty), localityWeight: 2, priority: 1),
                ],
                localityWeighted: true),
            new MeshCluster($"outbound|9080|v1|{host}", [new MeshEndpoint("10.0.0.1", 9080, localityWeight: 7, priority: 3)]),
            new MeshCluster($"outbound|9080|v2|{host}", ImmutableArray<MeshEndpoint>.Empty, localityWeighted: true),
        ]);

        var text = await Endpoints(new FakeRegistrySource(snapshot), "--pilot", "grpc://pilot:15010");
        var json = await Endpoints(new FakeRegistrySource(snapshot), "--pilot", "grpc://pilot:15010", "--json");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains(text.StdoutLines, l => Regex.IsMatch(l, @"^10\.0\.0\.1:9080\s+HEALTHY\s+1\s+0\s+eu/eu-1a/\s+weight 7\s+-\s+outbound\|9080\|\|reviews"));
        Assert.Contains(text.StdoutLines, l => Regex.IsMatch(l, @"^10\.0\.0\.2:9080\s+HEALTHY\s+1\s+1\s+eu/eu-1b/\s+weight 2\s+-\s+outbound\|9080\|\|reviews"));
        Assert.Contains(text.StdoutLines, l => Regex.IsMatch(l, @"^10\.0\.0\.1:9080\s+HEALTHY\s+1\s+3\s+-\s+off\s+-\s+outbound\|9080\|v1\|reviews"));
        Assert.Contains(text.StdoutLines, l => Regex.IsMatch(l, @"^\(none\)(\s+-){4}\s+on\s+-\s+outbound\|9080\|v2\|reviews"));

        Assert.True(json.ExitCode == 0, json.ToString());
        using var document = JsonDocument.Parse(json.Stdout);
        var clusters = document.RootElement.GetProperty("clusters").EnumerateArray().ToDictionary(c => c.GetProperty("subset").GetString() ?? string.Empty);
        Assert.True(clusters[string.Empty].GetProperty("localityWeighted").GetBoolean());
        Assert.False(clusters["v1"].GetProperty("localityWeighted").GetBoolean());
        Assert.True(clusters["v2"].GetProperty("localityWeighted").GetBoolean());
        Assert.Equal(
            [(0u, 7u), (1u, 2u)],
            clusters[string.Empty].GetProperty("endpoints").EnumerateArray().Select(e => (e.GetProperty("priority").GetUInt32(), e.GetProperty("localityWeight").GetUInt32())));
    }

    [Fact]
    public async Task Json_is_the_registry_document_and_reads_back()
    {
        var snapshot = Snapshot();

        var run = await Endpoints(new FakeRegistrySource(snapshot), "--pilot", "grpc://pilot:15010", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(RegistryJson.Write(snapshot.Clusters.Values) + Environment.NewLine, run.Stdout);
        using var document = JsonDocument.Parse(run.Stdout);
        var v1 = document.RootElement.GetProperty("clusters").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == $"outbound|9080|v1|{MeshctlFixtures.ReviewsHost}");
        Assert.Equal(["name", "direction", "service", "namespace", "port", "subset", "localityWeighted", "endpoints"], v1.EnumerateObject().Select(p => p.Name));
        Assert.Equal("reviews", v1.GetProperty("service").GetString());
        Assert.Equal("v1", v1.GetProperty("subset").GetString());
        var endpoint = v1.GetProperty("endpoints")[0];
        Assert.Equal(["address", "port", "health", "weight", "priority", "locality", "localityWeight", "labels"], endpoint.EnumerateObject().Select(p => p.Name));
        Assert.Equal("rack7", endpoint.GetProperty("locality").GetProperty("subZone").GetString());

        var read = RegistryJson.Read("saved.json", run.Stdout);
        Assert.Equal(snapshot.Clusters.Keys.Order(StringComparer.Ordinal), read.Clusters.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("reviews")]
    [InlineData("reviews.default")]
    [InlineData("reviews.default.svc")]
    [InlineData("reviews.default.svc.cluster.local")]
    public async Task Service_filter_keeps_the_services_clusters_on_every_port(string service)
    {
        var run = await Endpoints(new FakeRegistrySource(Snapshot()), "--pilot", "grpc://pilot:15010", "--service", service, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var document = JsonDocument.Parse(run.Stdout);
        Assert.Equal(
            ((string[])[
                $"outbound|9080||{MeshctlFixtures.ReviewsHost}",
                $"outbound|9080|v1|{MeshctlFixtures.ReviewsHost}",
                $"outbound|9080|v2|{MeshctlFixtures.ReviewsHost}",
                $"outbound|9080|v3|{MeshctlFixtures.ReviewsHost}",
                $"outbound|9080|v4|{MeshctlFixtures.ReviewsHost}",
                $"outbound|9090||{MeshctlFixtures.ReviewsHost}",
            ]).Order(StringComparer.Ordinal),
            document.RootElement.GetProperty("clusters").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Service_filter_with_a_port_keeps_that_port_only()
    {
        var run = await Endpoints(new FakeRegistrySource(Snapshot()), "--pilot", "grpc://pilot:15010", "--service", "reviews:9090");

        Assert.True(run.ExitCode == 0, run.ToString());
        var rows = run.StdoutLines[1..^1];
        Assert.Matches(@"^10\.1\.9\.1:9090\s.*\soutbound\|9090\|\|reviews\.default\.svc\.cluster\.local$", Assert.Single(rows));
        Assert.Equal("1 cluster, 1 endpoint (0 not routable)", run.StdoutLines[^1]);
    }

    [Fact]
    public async Task Service_filter_resolves_a_bare_name_in_the_namespace()
    {
        var run = await Endpoints(new FakeRegistrySource(Snapshot()), "--pilot", "grpc://pilot:15010", "--service", "reviews", "--namespace", "shop", "--json");

        using var document = JsonDocument.Parse(run.Stdout);
        var cluster = Assert.Single(document.RootElement.GetProperty("clusters").EnumerateArray());
        Assert.Equal("outbound|9080||reviews.shop.svc.cluster.local", cluster.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Unknown_service_exits_1_and_lists_what_pilot_sent()
    {
        var run = await Endpoints(new FakeRegistrySource(Snapshot()), "--pilot", "grpc://pilot:15010", "--service", "details");

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Equal(
            "meshctl endpoints: no service 'details' in namespace 'default' in Pilot at grpc://pilot:15010; it has 3 services: ratings.default.svc.cluster.local, reviews.default.svc.cluster.local, reviews.shop.svc.cluster.local",
            run.Stderr.TrimEnd());
    }

    [Fact]
    public async Task Empty_registry_prints_the_header_and_zero_counts()
    {
        var run = await Endpoints(new FakeRegistrySource(RegistrySnapshot.Empty), "--pilot", "grpc://pilot:15010");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(["ENDPOINT  HEALTH  WEIGHT  PRIORITY  LOCALITY  LOCALITY LB  LABELS  CLUSTER", "0 clusters, 0 endpoints (0 not routable)"], run.StdoutLines);
    }

    [Fact]
    public async Task Source_failure_exits_1_with_its_message()
    {
        var source = new FakeRegistrySource((_, _) => Task.FromException<RegistrySnapshot>(
            new RegistrySourceException("Pilot at grpc://pilot:15010 sent no complete state within 10 s (last error: connection refused)")));

        var run = await Endpoints(source, "--pilot", "grpc://pilot:15010");

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Equal("meshctl endpoints: Pilot at grpc://pilot:15010 sent no complete state within 10 s (last error: connection refused)", run.Stderr.TrimEnd());
    }

    [Fact]
    public async Task Timeout_and_transport_errors_exit_1_naming_pilot()
    {
        var timeout = await Endpoints(new FakeRegistrySource((_, _) => Task.FromException<RegistrySnapshot>(new TimeoutException("no EDS answer"))), "--pilot", "grpc://pilot:15010", "--timeout", "0.5");
        Assert.Equal(1, timeout.ExitCode);
        Assert.Equal("meshctl endpoints: Pilot at grpc://pilot:15010 sent no complete state within 0.5 s (no EDS answer)", timeout.Stderr.TrimEnd());

        var refused = await Endpoints(new FakeRegistrySource((_, _) => Task.FromException<RegistrySnapshot>(new HttpRequestException("Connection refused (pilot:15010)"))), "--pilot", "grpc://pilot:15010");
        Assert.Equal(1, refused.ExitCode);
        Assert.Equal("meshctl endpoints: cannot reach Pilot at grpc://pilot:15010: Connection refused (pilot:15010)", refused.Stderr.TrimEnd());
    }

    [Fact]
    public async Task A_build_without_pilot_says_so_and_exits_1()
    {
        var run = await Endpoints(null, "--pilot", "grpc://pilot:15010");

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("meshctl endpoints: this build of meshctl cannot connect to Pilot", run.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("option '--xds' must be v2 or v3, not 'v1'", "--pilot", "grpc://pilot:15010", "--xds", "v1")]
    [InlineData("option '--timeout' must be above 0 seconds", "--pilot", "grpc://pilot:15010", "--timeout", "0")]
    [InlineData("option '--timeout' must be a number of seconds (0 or more), not 'soon'", "--pilot", "grpc://pilot:15010", "--timeout", "soon")]
    [InlineData("option '--settle' must be a number of seconds (0 or more), not '-1'", "--pilot", "grpc://pilot:15010", "--settle", "-1")]
    [InlineData("option '--pilot' needs a port for a plaintext address (Pilot's is 15010), as in grpc://pilot:15010", "--pilot", "grpc://pilot")]
    [InlineData("option '--pilot' must use grpc://, http://, https:// or unix://, not 'tcp://'", "--pilot", "tcp://pilot:15010")]
    [InlineData("option '--service' takes NAME or NAME:PORT with a port from 1 to 65535, not 'reviews:0'", "--pilot", "grpc://pilot:15010", "--service", "reviews:0")]
    public async Task Argument_errors_exit_2_without_asking_pilot(string message, params string[] args)
    {
        var source = new FakeRegistrySource(Snapshot());

        var run = await Endpoints(source, args);

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Equal($"meshctl endpoints: {message}{Environment.NewLine}Run 'meshctl endpoints --help' for the options.{Environment.NewLine}", run.Stderr);
        Assert.Empty(source.Requests);
    }

    [Theory]
    [InlineData("Option '--pilot' is required.")]
    [InlineData("Unrecognized command or argument '--calls'.", "--pilot", "grpc://pilot:15010", "--calls", "3")]
    public async Task Parse_errors_exit_2_without_asking_pilot(string message, params string[] args)
    {
        var source = new FakeRegistrySource(Snapshot());

        var run = await Endpoints(source, args);

        Assert.Equal(2, run.ExitCode);
        Assert.Empty(run.Stdout);
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Contains("meshctl endpoints: " + message, lines);
        Assert.Equal("Run 'meshctl endpoints --help' for the options.", lines[^1]);
        Assert.Empty(source.Requests);
    }
}
