using System.Net.Http.Headers;
using MeshClient.LoadBalancing;
using MeshClient.Registry;
using MeshClient.Routing;

namespace MeshClient.Tests.Routing;

/// <summary>MeshRouter: failures, health and priorities, state swaps, call reporting and allocations.</summary>
public sealed class MeshRouterTests
{
    [Fact]
    public void Unknown_service_fails_with_a_reason()
    {
        var router = MeshFixtures.SeedRouter();
        var decision = router.Route(new RouteRequest("ratings"));
        Assert.False(decision.Succeeded);
        Assert.Equal(RouteFailure.ServiceNotFound, decision.Failure);
        Assert.Null(decision.Service);
        Assert.Equal("ratings", decision.RequestedService);
        Assert.Contains("ratings -> no endpoint: ServiceNotFound", decision.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_service_with_several_ports_needs_the_port()
    {
        var snapshot = new RegistrySnapshot(1, [
            new MeshCluster($"outbound|9080||{MeshFixtures.ReviewsHost}", [MeshFixtures.Endpoint("10.1.0.1")]),
            new MeshCluster($"outbound|9443||{MeshFixtures.ReviewsHost}", [MeshFixtures.Endpoint("10.1.0.1", port: 9443)]),
        ]);
        var router = new MeshRouter(new MeshRegistry(snapshot));
        Assert.Equal(RouteFailure.PortNotSpecified, router.Route(new RouteRequest("reviews")).Failure);
        Assert.Equal(9443, router.Route(new RouteRequest("reviews", port: 9443)).Endpoint!.Port);
        Assert.Equal(RouteFailure.ServiceNotFound, router.Route(new RouteRequest("reviews", port: 1234)).Failure);
    }

    [Fact]
    public void Non_routable_endpoints_are_never_picked()
    {
        var endpoints = new[]
        {
            MeshFixtures.Endpoint("10.1.0.1", health: EndpointHealth.Unhealthy),
            MeshFixtures.Endpoint("10.1.0.2", health: EndpointHealth.Draining),
            MeshFixtures.Endpoint("10.1.0.3", health: EndpointHealth.Timeout),
            MeshFixtures.Endpoint("10.1.0.4", health: EndpointHealth.Unknown),
            MeshFixtures.Endpoint("10.1.0.5", health: EndpointHealth.Degraded),
        };
        foreach (var strategy in Enum.GetValues<LoadBalancingStrategy>())
        {
            var router = new MeshRouter(
                new MeshRegistry(new RegistrySnapshot(1, [MeshFixtures.Cluster(MeshFixtures.ReviewsHost, string.Empty, endpoints)])),
                options: new MeshRouterOptions { DefaultStrategy = strategy });
            var picked = Enumerable.Range(0, 200).Select(_ => router.Route(new RouteRequest("reviews")).Endpoint!.Address).Distinct().Order().ToArray();
            Assert.Equal(["10.1.0.4", "10.1.0.5"], picked);
        }
    }

    [Fact]
    public void No_routable_endpoint_at_all_fails_with_a_reason()
    {
        var router = new MeshRouter(new MeshRegistry(new RegistrySnapshot(1, [
            MeshFixtures.Cluster(MeshFixtures.ReviewsHost, string.Empty, MeshFixtures.Endpoint("10.1.0.1", health: EndpointHealth.Unhealthy)),
        ])));
        var decision = router.Route(new RouteRequest("reviews"));
        Assert.Equal(RouteFailure.NoRoutableEndpoints, decision.Failure);
        Assert.NotNull(decision.Service);
    }

    [Fact]
    public void Only_the_lowest_priority_level_with_routable_endpoints_takes_calls()
    {
        var endpoints = new[]
        {
            MeshFixtures.Endpoint("10.1.0.1", priority: 0, health: EndpointHealth.Unhealthy),
            MeshFixtures.Endpoint("10.1.0.2", priority: 1),
            MeshFixtures.Endpoint("10.1.0.3", priority: 1),
            MeshFixtures.Endpoint("10.1.0.4", priority: 2),
        };
        var router = new MeshRouter(new MeshRegistry(new RegistrySnapshot(1, [MeshFixtures.Cluster(MeshFixtures.ReviewsHost, string.Empty, endpoints)])));
        var picked = Enumerable.Range(0, 50).Select(_ => router.Route(new RouteRequest("reviews")).Endpoint!.Address).Distinct().Order().ToArray();
        Assert.Equal(["10.1.0.2", "10.1.0.3"], picked);
    }

    [Fact]
    public void Priority_is_chosen_per_tag_set()
    {
        var endpoints = new[]
        {
            MeshFixtures.Endpoint("10.1.0.1", priority: 0, labels: MeshFixtures.Labels(("version", "v1"))),
            MeshFixtures.Endpoint("10.1.0.2", priority: 1, labels: MeshFixtures.Labels(("version", "v2"))),
            MeshFixtures.Endpoint("10.1.0.3", priority: 2, labels: MeshFixtures.Labels(("version", "v2"))),
        };
        var router = new MeshRouter(
            new MeshRegistry(new RegistrySnapshot(1, [MeshFixtures.Cluster(MeshFixtures.ReviewsHost, string.Empty, endpoints)])),
            RouterRules.Parse("routeRule: {reviews: [{route: [{tags: {version: v2}, weight: 100}]}]}"));
        Assert.All(Enumerable.Range(0, 10), _ => Assert.Equal("10.1.0.2", router.Route(new RouteRequest("reviews")).Endpoint!.Address));
    }

    [Fact]
    public void A_new_registry_snapshot_is_used_by_the_next_decision()
    {
        var registry = new MeshRegistry(MeshFixtures.SeedSnapshot());
        var router = new MeshRouter(registry, RouterRules.Parse(MeshFixtures.SeedRouterYaml), DestinationRuleSet.Parse(MeshFixtures.SeedDestinationRuleYaml));
        Assert.StartsWith("10.0.", router.Route(new RouteRequest("targetService")).Endpoint!.Address, StringComparison.Ordinal);

        registry.Replace(MeshFixtures.SeedSnapshot(prefix: "10.9").Clusters.Values);
        var decision = router.Route(new RouteRequest("targetService"));
        Assert.StartsWith("10.9.", decision.Endpoint!.Address, StringComparison.Ordinal);
        Assert.Equal(registry.Version, decision.RegistryVersion);
    }

    [Fact]
    public void New_rules_and_destination_rules_apply_to_the_next_decision()
    {
        var router = new MeshRouter(new MeshRegistry(MeshFixtures.SeedSnapshot()), destinationRules: DestinationRuleSet.Parse(MeshFixtures.SeedDestinationRuleYaml));
        Assert.False(router.Route(new RouteRequest("targetService")).RuleMatched);

        router.UpdateRules(RouterRules.Parse("routeRule: {targetService: [{precedence: 7, route: [{tags: {version: v3}, weight: 100}]}]}"));
        var decision = router.Route(new RouteRequest("targetService"));
        Assert.Equal(7, decision.RulePrecedence);
        Assert.Equal("v3", decision.Subset);

        router.UpdateDestinationRules(DestinationRuleSet.Empty);
        Assert.Equal(RouteFailure.NoEndpointWithTags, router.Route(new RouteRequest("targetService")).Failure);
        Assert.Same(DestinationRuleSet.Empty, router.DestinationRules);
    }

    [Fact]
    public void Calls_in_flight_are_counted_across_registry_swaps()
    {
        var registry = new MeshRegistry(MeshFixtures.SeedSnapshot());
        var router = new MeshRouter(registry);
        var decision = router.Route(new RouteRequest("targetService"));
        var call = router.BeginCall(decision);
        Assert.True(call.IsTracked);
        Assert.Equal(1, decision.Candidate!.Statistics.InFlight);

        // The endpoint leaves and comes back; its statistics survive while the call is in flight.
        registry.Replace([MeshFixtures.Cluster(MeshFixtures.SeedHost, string.Empty, MeshFixtures.Endpoint("10.5.5.5"))]);
        router.Route(new RouteRequest("targetService"));
        registry.Replace(MeshFixtures.SeedSnapshot().Clusters.Values);
        var again = Enumerable.Range(0, 6).Select(_ => router.Route(new RouteRequest("targetService"))).First(d => d.Endpoint!.HasSameAddress(decision.Endpoint!));
        Assert.Same(decision.Candidate.Statistics, again.Candidate!.Statistics);

        call.Complete(success: true);
        Assert.Equal(0, again.Candidate.Statistics.InFlight);
        Assert.False(router.BeginCall(router.Route(new RouteRequest("nothing"))).IsTracked);
    }

    [Fact]
    public void A_decision_allocates_nothing()
    {
        var router = new MeshRouter(
            new MeshRegistry(MeshFixtures.SeedSnapshot()),
            RouterRules.Parse("""
                routeRule:
                  targetService:
                    - precedence: 3
                      match: {headers: {X-User: {regex: "^(jason|anna)$"}, X-Age: {greater: 18}}}
                      route: [{tags: {version: v1}, weight: 100}]
                    - precedence: 2
                      route:
                        - {tags: {version: v1}, weight: 40}
                        - {tags: {version: v2, debug: true}, weight: 40}
                        - {tags: {version: v3}, weight: 20}
                """),
            DestinationRuleSet.Parse(MeshFixtures.SeedDestinationRuleYaml));
        using var message = new HttpRequestMessage(HttpMethod.Get, "http://targetService/");
        message.Headers.TryAddWithoutValidation("X-User", "anna");
        message.Headers.TryAddWithoutValidation("X-Age", "17.5");
        var request = new RouteRequest("targetService");
        var headers = new HttpRequestHeadersReader(message.Headers);

        for (var i = 0; i < 100; i++)
        {
            router.Route(request, headers);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            var decision = router.Route(request, headers);
            Assert.True(decision.Succeeded);
            router.BeginCall(decision).Complete(success: true);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Http_request_headers_are_read_case_insensitively_first_value()
    {
        using var message = new HttpRequestMessage();
        message.Headers.TryAddWithoutValidation("X-User", ["jason", "anna"]);
        var reader = new HttpRequestHeadersReader(message.Headers);
        Assert.True(reader.TryGetValue("x-user", out var value));
        Assert.Equal("jason", value.ToString());
        Assert.False(reader.TryGetValue("X-Other", out _));
    }
}
