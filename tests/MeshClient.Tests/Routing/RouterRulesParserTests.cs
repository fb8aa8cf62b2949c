using MeshClient.Routing;

namespace MeshClient.Tests.Routing;

/// <summary>router.yaml parsing: the model it builds and the positions of its errors.</summary>
public sealed class RouterRulesParserTests
{
    [Fact]
    public void Parses_the_issue_example()
    {
        var rules = RouterRules.Parse("""
            router:
              infra: cse
            routeRule:
              reviews:
                - precedence: 2
                  match:
                    source: productpage
                    sourceTags: {version: v1}
                    headers:
                      X-User: {regex: "^(jason|anna)$"}
                      X-Age: {greater: 18}
                  route:
                    - {tags: {version: v1}, weight: 40}
                    - {tags: {version: v2, debug: "true"}, weight: 40}
                    - {tags: {version: v3}, weight: 20}
                - precedence: 1
                  match: {refer: fromJason}
                  route:
                    - {tags: {version: v2}, weight: 100}
            sourceTemplate:
              fromJason: {headers: {X-User: {exact: jason}}}
            """, "router.yaml");

        Assert.Equal("cse", rules.Infra);
        Assert.Equal("router.yaml", rules.Source);
        Assert.Equal(["reviews"], rules.Services);
        Assert.Equal(2, rules.GetRuleCount("reviews"));
        Assert.Equal(2, rules.GetRuleCount("REVIEWS"));
        Assert.Equal(0, rules.GetRuleCount("ratings"));
        Assert.True(rules.TryGetRules("reviews", out var list));
        var first = list[0];
        Assert.Equal(2, first.Precedence);
        Assert.Equal("productpage", first.Match!.Source);
        Assert.Equal("{version=v1}", first.Match.SourceTags!.Key);
        Assert.Equal(["X-User", "X-Age"], first.Match.Headers.Select(h => h.Name));
        Assert.Equal(18m, first.Match.Headers[1].Greater);
        Assert.Equal([40, 40, 20], first.Routes.Select(r => r.Weight));
        Assert.Equal("{debug=true, version=v2}", first.Routes[1].Tags.Key);
        Assert.Equal(5, first.Line);
        Assert.Equal("fromJason", list[1].Match!.ReferredTemplate);
        Assert.Equal("jason", list[1].Match!.Headers[0].Exact);
    }

    [Fact]
    public void An_empty_document_has_no_rules()
    {
        Assert.Empty(RouterRules.Parse(string.Empty).Services);
        Assert.Empty(RouterRules.Parse("# nothing yet\n").Services);
        Assert.Empty(RouterRules.Parse("routeRule:\n").Services);
    }

    [Fact]
    public void Yaml_booleans_in_tags_equal_their_string_form()
    {
        var rules = RouterRules.Parse("""
            routeRule:
              reviews:
                - route:
                    - {tags: {debug: true, canary: False, quoted: "True"}, weight: 100}
            """);
        Assert.True(rules.TryGetRules("reviews", out var list));
        var tags = list[0].Routes[0].Tags.Tags;
        Assert.Equal("true", tags["debug"]);
        Assert.Equal("false", tags["canary"]);
        Assert.Equal("True", tags["quoted"]);
    }

    [Fact]
    public void Weights_may_add_up_to_exactly_100_or_less()
    {
        RouterRules.Parse("routeRule: {reviews: [{route: [{tags: {version: v1}, weight: 60}, {tags: {version: v2}, weight: 40}]}]}");
        var rules = RouterRules.Parse("routeRule: {reviews: [{route: [{tags: {version: v1}, weight: 60}]}]}");
        Assert.True(rules.TryGetRules("reviews", out var list));
        Assert.Equal(40, list[0].RemainderWeight);
    }

    [Fact]
    public void Weights_over_100_reject_the_whole_file()
    {
        var error = Assert.Throws<MeshConfigurationException>(() => RouterRules.Parse("""
            routeRule:
              ratings:
                - route: [{tags: {version: v1}, weight: 100}]
              reviews:
                - route: [{tags: {version: v1}, weight: 100}]
                - route:
                    - {tags: {version: v1}, weight: 70}
                    - {tags: {version: v2}, weight: 31}
            """, "r.yaml"));
        Assert.Equal("r.yaml", error.File);
        Assert.Equal(7, error.Line);
        Assert.Equal(9, error.Column);
        Assert.Equal("weights of rule 2 of reviews add up to 101, more than 100", error.Reason);
        Assert.Equal("r.yaml:7:9: weights of rule 2 of reviews add up to 101, more than 100", error.Message);
    }

    [Theory]
    [InlineData("routeRule: {reviews: [{route: [{tags: {version: v1}, weight: 101}]}]}", "weight must be from 0 to 100, got 101")]
    [InlineData("routeRule: {reviews: [{route: []}]}", "rule 1 of reviews has an empty route list")]
    [InlineData("routeRule: {reviews: [{precedence: 1}]}", "rule 1 of reviews has no route")]
    [InlineData("routeRule: {reviews: [{precedence: high, route: [{tags: {a: b}, weight: 1}]}]}", "precedence must be an integer, got 'high'")]
    [InlineData("routeRule: {reviews: [{route: [{tags: {a: b}}]}]}", "route entry has no weight")]
    [InlineData("routeRule: {reviews: [{route: [{tags: {a: b}, weight: 1, wieght: 2}]}]}", "unknown key 'wieght' in a route entry (expected tags and weight)")]
    [InlineData("routeRule: {reviews: [{match: {sorce: a}, route: [{tags: {a: b}, weight: 1}]}]}", "unknown key 'sorce' in match (expected source, sourceTags, headers or refer)")]
    [InlineData("routeRule: {reviews: [{match: {headers: {X-A: {caseInsensitive: true}}}, route: [{tags: {a: b}, weight: 1}]}]}", "header 'X-A' has no operator (expected exact, regex, noEqu, greater, less, noLess, noGreater, caseInsensitive)")]
    [InlineData("routeRule: {reviews: [{match: {headers: {X-A: {exact: a}, x-a: {exact: b}}}, route: [{tags: {a: b}, weight: 1}]}]}", "header 'x-a' is listed twice (header names are case-insensitive)")]
    [InlineData("routeRule: {reviews: [{match: {headers: {X-A: {exact: a, caseInsensitive: maybe}}}, route: [{tags: {a: b}, weight: 1}]}]}", "caseInsensitive must be true or false, got 'maybe'")]
    [InlineData("routeRule: {reviews: {route: []}}", "routeRule.reviews must be a list")]
    [InlineData("routeRule: {reviews: [{route: [{tags: {a: b}, weight: 1}]}], Reviews: []}", "service 'Reviews' has rules twice (names are case-insensitive)")]
    [InlineData("sourceTemplate: {t: {refer: x}}", "unknown key 'refer' in sourceTemplate.t (expected source, sourceTags or headers)")]
    [InlineData("- a\n- b\n", "router.yaml must be a mapping")]
    public void Semantic_errors_name_their_reason(string yaml, string reason)
    {
        var error = Assert.Throws<MeshConfigurationException>(() => RouterRules.Parse(yaml));
        Assert.Equal(reason, error.Reason);
        Assert.Equal("router.yaml", error.File);
        Assert.True(error.Line >= 1 && error.Column >= 1, error.Message);
    }

    [Fact]
    public void Load_names_the_file_path_in_errors()
    {
        var path = Path.Combine(Path.GetTempPath(), $"router-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "routeRule:\n  reviews:\n    - route: [{tags: {version: v1}, weight: 200}]\n");
        try
        {
            var error = Assert.Throws<MeshConfigurationException>(() => RouterRules.Load(path));
            Assert.Equal($"{path}:3:45: weight must be from 0 to 100, got 200", error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_of_a_missing_file_names_it()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.yaml");
        var error = Assert.Throws<MeshConfigurationException>(() => RouterRules.Load(path));
        Assert.Equal(path, error.File);
        Assert.Equal(0, error.Line);
        Assert.StartsWith($"{path}: cannot read the file", error.Message, StringComparison.Ordinal);
    }
}
