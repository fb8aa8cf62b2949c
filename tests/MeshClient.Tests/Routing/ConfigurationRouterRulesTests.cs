using System.Text;
using MeshClient.Registry;
using MeshClient.Routing;
using Microsoft.Extensions.Configuration;

namespace MeshClient.Tests.Routing;

/// <summary>Route rules from IConfiguration (appsettings.json's <c>Mesh:Routing:Rules</c>), with the file's rules.</summary>
public sealed class ConfigurationRouterRulesTests
{
    private const string SeedJson = """
        {
          "Mesh": { "Routing": { "Rules": {
            "routeRule": {
              "targetService": [
                {
                  "precedence": 5,
                  "match": { "refer": "fromJason" },
                  "route": [ { "tags": { "version": "v2", "debug": true }, "weight": 100 } ]
                },
                {
                  "precedence": 2,
                  "route": [
                    { "tags": { "version": "v1" }, "weight": 40 },
                    { "tags": { "version": "v2", "debug": "true" }, "weight": 40 },
                    { "tags": { "version": "v3" }, "weight": 20 }
                  ]
                }
              ]
            },
            "sourceTemplate": { "fromJason": { "headers": { "X-User": { "regex": "^(jason|anna)$" } } } }
          } } }
        }
        """;

    [Fact]
    public void Rules_from_appsettings_json_route_as_the_same_rules_from_router_yaml()
    {
        var router = new MeshRouter(
            new MeshRegistry(MeshFixtures.SeedSnapshot()),
            RouterRules.FromConfiguration(Json(SeedJson).GetSection("Mesh:Routing:Rules")),
            DestinationRuleSet.Parse(MeshFixtures.SeedDestinationRuleYaml));

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < 100; i++)
        {
            var decision = router.Route(new RouteRequest("targetService"), MeshFixtures.Headers());
            counts[decision.Subset!] = counts.GetValueOrDefault(decision.Subset!) + 1;
        }

        Assert.Equal(40, counts["v1"]);
        Assert.Equal(40, counts["v2"]);
        Assert.Equal(20, counts["v3"]);

        var jason = router.Route(new RouteRequest("targetService"), MeshFixtures.Headers(("X-User", "anna")));
        Assert.Equal("v2", jason.Subset);
        Assert.Equal(5, jason.RulePrecedence);
    }

    [Fact]
    public void A_bad_rule_names_the_configuration_key_that_holds_it()
    {
        var json = SeedJson.Replace("\"weight\": 20", "\"weight\": 120", StringComparison.Ordinal);

        var error = Assert.Throws<MeshConfigurationException>(() => RouterRules.FromConfiguration(Json(json).GetSection("Mesh:Routing:Rules")));

        Assert.Equal("Mesh:Routing:Rules:routeRule:targetService:1:route:2:weight: weight must be from 0 to 100, got 120", error.Message);
    }

    [Fact]
    public void A_bad_regex_names_its_key_too()
    {
        var json = SeedJson.Replace("^(jason|anna)$", "^(jason", StringComparison.Ordinal);

        var error = Assert.Throws<MeshConfigurationException>(() => RouterRules.FromConfiguration(Json(json).GetSection("Mesh:Routing:Rules")));

        Assert.StartsWith("Mesh:Routing:Rules:sourceTemplate:fromJason:headers:X-User:regex: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rules_from_environment_style_keys_work_as_well()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mesh:Routing:Rules:routeRule:targetService:0:route:0:tags:version"] = "v3",
            ["Mesh:Routing:Rules:routeRule:targetService:0:route:0:weight"] = "100",
        }).Build();
        var router = new MeshRouter(
            new MeshRegistry(MeshFixtures.SeedSnapshot()),
            RouterRules.FromConfiguration(configuration.GetSection("Mesh:Routing:Rules")),
            DestinationRuleSet.Parse(MeshFixtures.SeedDestinationRuleYaml));

        Assert.Equal("v3", router.Route(new RouteRequest("targetService")).Subset);
    }

    private static IConfigurationRoot Json(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
}
