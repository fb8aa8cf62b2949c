using System.Net;
using MeshClient;
using MeshClient.Http;
using MeshClient.Registry;
using MeshClient.Routing;
using MeshClient.Tests.Routing;

namespace MeshClient.Tests.Http;

/// <summary>The mesh handler over real Kestrel backends: where calls go, what the endpoint sees, what the caller gets back.</summary>
public sealed class MeshRoutingHandlerTests
{
    private const string SeedUri = "http://targetService:9080/reviews/1?full=true";

    [Fact]
    public async Task Seed_router_and_destination_rule_split_calls_exactly_40_40_20_over_HttpClient()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var v2 = await TestBackend.StartAsync("v2");
        await using var v3 = await TestBackend.StartAsync("v3");
        var router = SeedRouter(v1, v2, v3);
        using var client = MeshClients.Create(router);

        var ids = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            ids.Add(await client.GetIdAsync(SeedUri));
        }

        Assert.Equal(80, ids.Count(id => id == "v1"));
        Assert.Equal(80, ids.Count(id => id == "v2"));
        Assert.Equal(40, ids.Count(id => id == "v3"));
        Assert.Equal([80, 80, 40], new[] { v1.Count, v2.Count, v3.Count });

        // Any 100 consecutive calls hold the split exactly (smooth weighted round robin).
        for (var start = 0; start + 100 <= ids.Count; start += 10)
        {
            var window = ids.GetRange(start, 100);
            Assert.Equal(40, window.Count(id => id == "v1"));
            Assert.Equal(20, window.Count(id => id == "v3"));
        }
    }

    [Fact]
    public async Task Calls_are_routed_by_their_headers_and_by_the_apps_own_identity()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var v2 = await TestBackend.StartAsync("v2");
        var registry = MeshTestRegistry.Create("reviews", ("v1", [v1]), ("v2", [v2]));
        var rules = RouterRules.Parse("""
            routeRule:
              reviews:
                - precedence: 3
                  match: {headers: {X-User: {regex: "^(jason|anna)$"}}}
                  route: [{tags: {version: v2}, weight: 100}]
                - precedence: 2
                  match: {source: productpage, sourceTags: {version: canary}}
                  route: [{tags: {version: v2}, weight: 100}]
                - precedence: 1
                  route: [{tags: {version: v1}, weight: 100}]
            """);
        var destinationRules = DestinationRuleSet.Parse("""
            apiVersion: networking.istio.io/v1beta1
            kind: DestinationRule
            metadata: {name: reviews}
            spec:
              host: reviews
              subsets:
              - {name: v1, labels: {version: v1}}
              - {name: v2, labels: {version: v2}}
            """);
        var router = new MeshRouter(registry, rules, destinationRules);
        using var anonymous = MeshClients.Create(router);
        using var canary = MeshClients.Create(router, MeshClients.Options(o =>
        {
            o.Service.Name = "productpage";
            o.Service.Tags["version"] = "canary";
        }));

        Assert.Equal("v1", await anonymous.GetIdAsync("http://reviews:9080/"));
        using (var jason = new HttpRequestMessage(HttpMethod.Get, "http://reviews:9080/"))
        {
            jason.Headers.Add("X-User", "jason");
            using var response = await anonymous.SendAsync(jason).WaitAsync(MeshClients.Bound);
            Assert.Equal("v2", await response.Content.ReadAsStringAsync());
        }

        using (var bob = new HttpRequestMessage(HttpMethod.Get, "http://reviews:9080/"))
        {
            bob.Headers.Add("X-User", "bob");
            using var response = await anonymous.SendAsync(bob).WaitAsync(MeshClients.Bound);
            Assert.Equal("v1", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal("v2", await canary.GetIdAsync("http://reviews:9080/"));
        Assert.Equal(2, v1.Count);
        Assert.Equal(2, v2.Count);
    }

    [Fact]
    public async Task Endpoint_gets_the_logical_host_header_path_and_query_and_the_request_uri_is_restored()
    {
        await using var backend = await TestBackend.StartAsync("b1");
        var router = new MeshRouter(MeshTestRegistry.Create("reviews", backend), options: MeshTestRegistry.InOrder());
        using var client = MeshClients.Create(router);
        var uri = new Uri("http://reviews:9080/reviews/7?sort=desc");
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);

        using var response = await client.SendAsync(request).WaitAsync(MeshClients.Bound);

        Assert.Equal("b1", await response.Content.ReadAsStringAsync());
        var received = Assert.Single(backend.Received);
        Assert.Equal("reviews:9080", received.Host);
        Assert.Equal("/reviews/7?sort=desc", received.PathAndQuery);
        Assert.Same(uri, request.RequestUri);
        Assert.Same(uri, response.RequestMessage!.RequestUri);
        Assert.False(request.Headers.NonValidated.Contains("Host"));
    }

    [Fact]
    public async Task Without_preserving_the_host_header_the_endpoint_sees_its_own_address()
    {
        await using var backend = await TestBackend.StartAsync("b1");
        var router = new MeshRouter(MeshTestRegistry.Create("reviews", backend), options: MeshTestRegistry.InOrder());
        using var client = MeshClients.Create(router, MeshClients.Options(o => o.Routing.PreserveHostHeader = false));

        Assert.Equal("b1", await client.GetIdAsync("http://reviews:9080/"));
        Assert.Equal($"127.0.0.1:{backend.Port}", Assert.Single(backend.Received).Host);
    }

    [Fact]
    public async Task A_host_header_the_caller_set_is_kept()
    {
        await using var backend = await TestBackend.StartAsync("b1");
        var router = new MeshRouter(MeshTestRegistry.Create("reviews", backend), options: MeshTestRegistry.InOrder());
        using var client = MeshClients.Create(router);
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://reviews:9080/");
        request.Headers.Host = "reviews.example.com";

        using var response = await client.SendAsync(request).WaitAsync(MeshClients.Bound);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("reviews.example.com", Assert.Single(backend.Received).Host);
        Assert.Equal("reviews.example.com", request.Headers.Host);
    }

    [Fact]
    public async Task Uri_without_a_port_finds_the_service_by_its_only_port_and_fqdn_works_too()
    {
        await using var backend = await TestBackend.StartAsync("b1");
        var router = new MeshRouter(MeshTestRegistry.Create("reviews", backend), options: MeshTestRegistry.InOrder());
        using var client = MeshClients.Create(router, MeshClients.Options(o => o.Routing.UnknownHost = UnknownHostBehavior.Fail));

        Assert.Equal("b1", await client.GetIdAsync("http://reviews/"));
        Assert.Equal("b1", await client.GetIdAsync("http://reviews.default.svc.cluster.local:9080/"));
        Assert.Equal("b1", await client.GetIdAsync("http://reviews.default:9080/"));
        Assert.Equal(["reviews", "reviews.default.svc.cluster.local:9080", "reviews.default:9080"], backend.Received.Select(r => r.Host));
    }

    [Fact]
    public async Task Unknown_host_is_sent_as_it_is_by_default()
    {
        await using var mesh = await TestBackend.StartAsync("mesh");
        await using var outside = await TestBackend.StartAsync("outside");
        var router = new MeshRouter(MeshTestRegistry.Create("reviews", mesh), options: MeshTestRegistry.InOrder());
        using var client = MeshClients.Create(router);

        Assert.Equal("outside", await client.GetIdAsync($"http://localhost:{outside.Port}/x"));
        Assert.Equal("outside", await client.GetIdAsync($"http://127.0.0.1:{outside.Port}/y"));

        Assert.Equal(0, mesh.Count);
        Assert.Equal(["/x", "/y"], outside.Received.Select(r => r.PathAndQuery));
        Assert.Equal($"localhost:{outside.Port}", outside.Received[0].Host);
    }

    [Fact]
    public async Task Unknown_host_fails_with_an_error_naming_it_when_configured()
    {
        await using var outside = await TestBackend.StartAsync("outside");
        var router = new MeshRouter(MeshTestRegistry.Create("reviews", outside), options: MeshTestRegistry.InOrder());
        using var client = MeshClients.Create(router, MeshClients.Options(o => o.Routing.UnknownHost = UnknownHostBehavior.Fail));

        var error = await Assert.ThrowsAsync<MeshRoutingException>(() => client.GetAsync($"http://localhost:{outside.Port}/").WaitAsync(MeshClients.Bound));

        Assert.Equal(RouteFailure.ServiceNotFound, error.Failure);
        Assert.Equal($"localhost:{outside.Port}", error.Service);
        Assert.Contains($"'localhost:{outside.Port}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("UnknownHost is Fail", error.Message, StringComparison.Ordinal);
        Assert.Contains("The registry has not synced with Pilot yet (Connecting: no answer yet).", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<HttpRequestException>(error);
        Assert.Equal(0, outside.Count);
    }

    [Fact]
    public async Task An_address_is_no_service_name_and_passes_through_even_when_unknown_hosts_fail()
    {
        await using var outside = await TestBackend.StartAsync("outside");
        var router = new MeshRouter(MeshTestRegistry.Create("reviews", outside), options: MeshTestRegistry.InOrder());
        using var client = MeshClients.Create(router, MeshClients.Options(o => o.Routing.UnknownHost = UnknownHostBehavior.Fail));

        Assert.Equal("outside", await client.GetIdAsync($"http://127.0.0.1:{outside.Port}/direct"));
    }

    [Fact]
    public async Task Known_service_without_a_routable_endpoint_fails_with_the_service_and_the_reason()
    {
        await using var backend = await TestBackend.StartAsync("b1");
        var registry = new MeshRegistry();
        registry.Replace([
            new MeshCluster($"outbound|9080||{MeshTestRegistry.Host("reviews")}", [new MeshEndpoint("127.0.0.1", backend.Port, EndpointHealth.Unhealthy)]),
            new MeshCluster($"outbound|9080||{MeshTestRegistry.Host("ratings")}", [MeshTestRegistry.Endpoint(backend)]),
        ]);
        var rules = RouterRules.Parse("routeRule: {ratings: [{route: [{tags: {version: v9}, weight: 100}]}]}");
        using var client = MeshClients.Create(new MeshRouter(registry, rules));

        var unhealthy = await Assert.ThrowsAsync<MeshRoutingException>(() => client.GetAsync("http://reviews:9080/").WaitAsync(MeshClients.Bound));
        Assert.Equal(RouteFailure.NoRoutableEndpoints, unhealthy.Failure);
        Assert.Contains("reviews.default.svc.cluster.local:9080", unhealthy.Message, StringComparison.Ordinal);
        Assert.Contains("no routable endpoint", unhealthy.Message, StringComparison.Ordinal);

        var noTags = await Assert.ThrowsAsync<MeshRoutingException>(() => client.GetAsync("http://ratings:9080/").WaitAsync(MeshClients.Bound));
        Assert.Equal(RouteFailure.NoEndpointWithTags, noTags.Failure);
        Assert.Contains("ratings.default.svc.cluster.local:9080", noTags.Message, StringComparison.Ordinal);
        Assert.Contains("version=v9", noTags.Message, StringComparison.Ordinal);
        Assert.Equal(0, backend.Count);
    }

    [Fact]
    public async Task Registry_updates_take_effect_for_the_next_call()
    {
        await using var first = await TestBackend.StartAsync("first");
        await using var second = await TestBackend.StartAsync("second");
        var registry = MeshTestRegistry.Create("reviews", first);
        using var client = MeshClients.Create(new MeshRouter(registry));

        Assert.Equal("first", await client.GetIdAsync("http://reviews:9080/"));
        registry.Replace(MeshTestRegistry.Clusters("reviews", (string.Empty, [second])));
        Assert.Equal("second", await client.GetIdAsync("http://reviews:9080/"));
    }

    [Fact]
    public async Task Ipv6_endpoint_addresses_are_written_in_brackets()
    {
        var inner = new RecordingHandler();
        var registry = new MeshRegistry();
        registry.Replace([new MeshCluster($"outbound|9080||{MeshTestRegistry.Host("reviews")}", [new MeshEndpoint("fd00::1", 9080)])]);
        using var client = MeshClients.Create(new MeshRouter(registry), inner: inner);

        using var response = await client.GetAsync("http://reviews:9080/a?b=c").WaitAsync(MeshClients.Bound);

        Assert.Equal(new Uri("http://[fd00::1]:9080/a?b=c"), Assert.Single(inner.Uris));
        Assert.Equal("reviews:9080", Assert.Single(inner.Hosts));
    }

    [Fact]
    public async Task A_known_name_on_a_port_the_service_does_not_have_is_sent_as_it_is()
    {
        var inner = new RecordingHandler();
        var registry = new MeshRegistry();
        registry.Replace([new MeshCluster($"outbound|9080||{MeshTestRegistry.Host("reviews")}", [new MeshEndpoint("10.0.0.1", 9080)])]);
        using var client = MeshClients.Create(new MeshRouter(registry), inner: inner);

        using var response = await client.GetAsync("http://reviews:1234/a").WaitAsync(MeshClients.Bound);

        Assert.Equal(new Uri("http://reviews:1234/a"), Assert.Single(inner.Uris));
        Assert.Null(Assert.Single(inner.Hosts));
    }

    private static MeshRouter SeedRouter(TestBackend v1, TestBackend v2, TestBackend v3) =>
        new(
            MeshTestRegistry.Create("targetService", ("v1", [v1]), ("v2", [v2]), ("v3", [v3])),
            RouterRules.Parse(MeshFixtures.SeedRouterYaml),
            DestinationRuleSet.Parse(MeshFixtures.SeedDestinationRuleYaml));
}
