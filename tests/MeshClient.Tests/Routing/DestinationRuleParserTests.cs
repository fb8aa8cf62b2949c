using MeshClient.LoadBalancing;
using MeshClient.Registry;
using MeshClient.Routing;

namespace MeshClient.Tests.Routing;

/// <summary>DestinationRule manifests: documents, hosts, subsets, policies, and how their labels reach endpoints.</summary>
public sealed class DestinationRuleParserTests
{
    private const string Manifests = """
        apiVersion: v1
        kind: Service
        metadata: {name: reviews}
        spec: {ports: [{port: 9080}]}
        ---
        apiVersion: networking.istio.io/v1beta1
        kind: DestinationRule
        metadata:
          name: reviews
          namespace: prod
        spec:
          host: reviews
          trafficPolicy:
            loadBalancer: {simple: LEAST_REQUEST}
            connectionPool: {tcp: {maxConnections: 100}}
          subsets:
          - name: v1
            labels: {version: v1}
            trafficPolicy:
              loadBalancer: {simple: RANDOM}
          - name: v2
            labels: {version: v2, debug: true}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: ratings}
        spec:
          host: ratings.prod
        ---
        apiVersion: networking.istio.io/v1alpha3
        kind: DestinationRule
        metadata: {name: details}
        spec:
          host: details.prod.svc.cluster.local
          trafficPolicy: {loadBalancer: {simple: PASSTHROUGH}}
        ---
        apiVersion: networking.istio.io/v1alpha3
        kind: DestinationRule
        metadata: {name: httpbin}
        spec:
          host: httpbin.org
        ---
        """;

    [Fact]
    public void Reads_every_DestinationRule_document_and_skips_other_kinds()
    {
        var set = DestinationRuleSet.Parse(Manifests, "dr.yaml", "default");
        Assert.Equal(["details.prod", "httpbin.org", "ratings.prod", "reviews.prod"], set.Hosts.Order(StringComparer.Ordinal));
        var reviews = set.Rules.Single(r => r.Name == "reviews");
        Assert.Equal("prod", reviews.Namespace);
        Assert.Equal(LoadBalancingStrategy.LeastRequest, reviews.Strategy);
        Assert.Equal(["v1", "v2"], reviews.Subsets.Select(s => s.Name));
        Assert.Equal(LoadBalancingStrategy.Random, reviews.Subsets[0].Strategy);
        Assert.Null(reviews.Subsets[1].Strategy);
        Assert.Equal("true", reviews.Subsets[1].Labels.Tags["debug"]);
        Assert.Equal(12, reviews.Line);
        Assert.Equal(LoadBalancingStrategy.RoundRobin, set.Rules.Single(r => r.Name == "details").Strategy);
    }

    [Theory]
    [InlineData("reviews", "default", "reviews.default")]
    [InlineData("reviews", "prod", "reviews.prod")]
    [InlineData("reviews.prod", "default", "reviews.prod")]
    [InlineData("reviews.prod.svc", "default", "reviews.prod")]
    [InlineData("reviews.prod.svc.cluster.local", "default", "reviews.prod")]
    [InlineData("Reviews.Prod.svc.cluster.local", "default", "reviews.prod")]
    [InlineData("api.example.com", "default", "api.example.com")]
    public void Hosts_resolve_against_the_namespace(string host, string ns, string expected)
    {
        Assert.Equal(expected, DestinationRuleParser.ResolveHost(host, ns, out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("reviews..prod")]
    [InlineData("-reviews")]
    [InlineData("reviews:9080")]
    [InlineData("rev_iews")]
    [InlineData("*.prod.svc.cluster.local")]
    public void Bad_hosts_are_rejected(string host)
    {
        Assert.Null(DestinationRuleParser.ResolveHost(host, "default", out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void Default_namespace_applies_to_rules_without_one()
    {
        var set = DestinationRuleSet.Parse(MeshFixtures.SeedDestinationRuleYaml, "dr.yaml", "shop");
        Assert.Equal(["targetservice.shop"], set.Hosts);
    }

    [Fact]
    public void Subset_labels_reach_the_endpoints_of_their_cluster_and_merge_with_metadata_labels()
    {
        const string host = "reviews.prod.svc.cluster.local";
        var v1 = MeshFixtures.Endpoint("10.2.0.1", labels: MeshFixtures.Labels(("zone", "a")));
        var v2 = MeshFixtures.Endpoint("10.2.0.2", labels: MeshFixtures.Labels(("zone", "b")));
        var snapshot = new RegistrySnapshot(1, [
            MeshFixtures.Cluster(host, string.Empty, v1, v2),
            MeshFixtures.Cluster(host, "v1", v1),
            MeshFixtures.Cluster(host, "v2", v2),
        ]);
        var router = new MeshRouter(
            new MeshRegistry(snapshot),
            RouterRules.Parse("routeRule: {reviews.prod: [{route: [{tags: {version: v2, debug: \"true\", zone: b}, weight: 100}]}]}"),
            DestinationRuleSet.Parse(Manifests));
        var decision = router.Route(new RouteRequest("reviews.prod"));
        Assert.True(decision.Succeeded, decision.ToString());
        Assert.Equal("10.2.0.2", decision.Endpoint!.Address);
        Assert.Equal("v2", decision.Subset);

        // The subset's own policy is unset, so the top-level LEAST_REQUEST applies.
        Assert.Equal(LoadBalancingStrategy.LeastRequest, decision.Strategy);
    }

    [Fact]
    public void Subset_policy_wins_over_top_level_policy_and_options_win_over_both()
    {
        const string host = "reviews.prod.svc.cluster.local";
        var v1 = MeshFixtures.Endpoint("10.2.0.1");
        var snapshot = new RegistrySnapshot(1, [MeshFixtures.Cluster(host, string.Empty, v1), MeshFixtures.Cluster(host, "v1", v1)]);
        var rules = RouterRules.Parse("routeRule: {reviews: [{route: [{tags: {version: v1}, weight: 100}]}]}");
        var destinationRules = DestinationRuleSet.Parse(Manifests);
        var viaDr = new MeshRouter(new MeshRegistry(snapshot), rules, destinationRules, new MeshRouterOptions { DefaultNamespace = "prod" });
        Assert.Equal(LoadBalancingStrategy.Random, viaDr.Route(new RouteRequest("reviews")).Strategy);

        var options = new MeshRouterOptions { DefaultNamespace = "prod" };
        options.Strategies["reviews"] = LoadBalancingStrategy.WeightedResponse;
        var viaOptions = new MeshRouter(new MeshRegistry(snapshot), rules, destinationRules, options);
        Assert.Equal(LoadBalancingStrategy.WeightedResponse, viaOptions.Route(new RouteRequest("reviews")).Strategy);
    }

    [Fact]
    public void Without_any_policy_the_default_strategy_applies()
    {
        var router = MeshFixtures.SeedRouter(new MeshRouterOptions { DefaultStrategy = LoadBalancingStrategy.LeastRequest });
        Assert.Equal(LoadBalancingStrategy.LeastRequest, router.Route(new RouteRequest("targetService")).Strategy);
        Assert.Equal(LoadBalancingStrategy.RoundRobin, MeshFixtures.SeedRouter().Route(new RouteRequest("targetService")).Strategy);
    }

    [Fact]
    public void A_second_rule_for_the_same_host_is_an_error()
    {
        var error = Assert.Throws<MeshConfigurationException>(() => DestinationRuleSet.Parse("""
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: a}
            spec: {host: reviews}
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: b}
            spec: {host: reviews.default.svc.cluster.local}
            """, "dr.yaml"));
        Assert.Equal("dr.yaml:9:14: a second DestinationRule for host 'reviews.default' (the first is at line 4)", error.Message);
    }

    [Fact]
    public void Combine_puts_files_together_and_rejects_duplicates()
    {
        var a = DestinationRuleSet.Parse("apiVersion: networking.istio.io/v1\nkind: DestinationRule\nspec: {host: reviews}\n", "a.yaml");
        var b = DestinationRuleSet.Parse("apiVersion: networking.istio.io/v1\nkind: DestinationRule\nspec: {host: ratings}\n", "b.yaml");
        Assert.Equal(2, DestinationRuleSet.Combine([a, b]).Hosts.Count);
        var error = Assert.Throws<MeshConfigurationException>(() => DestinationRuleSet.Combine([a, b, a]));
        Assert.Equal("a.yaml", error.File);
        Assert.Contains("a second DestinationRule for host 'reviews.default'", error.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kind: DestinationRule\nspec: {host: a}\n", "the DestinationRule has no apiVersion")]
    [InlineData("apiVersion: networking.istio.io/v1\nkind: DestinationRule\n", "DestinationRule '' has no spec")]
    [InlineData("apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: x}\nspec: {subsets: []}\n", "DestinationRule 'x' has no spec.host")]
    [InlineData("apiVersion: v1\nmetadata: {name: x}\n", "the manifest has no kind")]
    [InlineData("apiVersion: networking.istio.io/v1\nkind: DestinationRule\nspec: {host: a, subsets: [{name: \"a|b\"}]}\n", "subset name 'a|b' must not contain '|'")]
    public void Malformed_rules_name_their_reason(string yaml, string reason)
    {
        var error = Assert.Throws<MeshConfigurationException>(() => DestinationRuleSet.Parse(yaml, "dr.yaml"));
        Assert.Equal(reason, error.Reason);
        Assert.True(error.Line >= 1, error.Message);
    }
}
