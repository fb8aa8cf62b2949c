using System.Text;
using MeshClient.Routing;

namespace MeshClient.Tests.Routing;

/// <summary>Whatever the YAML library does with a broken document, it becomes a FILE:LINE:COLUMN load error; limits hold.</summary>
public sealed class YamlLoadErrorTests
{
    private const string UnclosedFlow = """
        routeRule:
          reviews:
            - precedence: 2
              match:
                headers:
                  user:
                    regex: [jason
              route:
              - tags: {version: v2}
                weight: 100
        """;

    [Fact]
    public void An_unclosed_flow_sequence_in_router_yaml_is_a_load_error_with_a_position()
    {
        var error = Assert.Throws<MeshConfigurationException>(() => RouterRules.Parse(UnclosedFlow, "router.yaml"));

        Assert.Matches(@"^router\.yaml:\d+:\d+: \S", error.Message);
        Assert.True(error.Line >= 7, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void An_unclosed_flow_sequence_in_a_destination_rule_is_a_load_error_with_a_position()
    {
        const string yaml = "apiVersion: networking.istio.io/v1alpha3\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n  host: reviews\n  subsets: [{name: v1, labels: {version: v1}\n";

        var error = Assert.Throws<MeshConfigurationException>(() => DestinationRuleSet.Parse(yaml, "dr.yaml"));

        Assert.Matches(@"^dr\.yaml:\d+:\d+: \S", error.Message);
        Assert.True(error.Line > 0, error.Message);
    }

    [Fact]
    public void A_billion_laughs_document_is_refused_as_an_alias_bomb()
    {
        var yaml = new StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var i = 1; i <= 9; i++)
        {
            yaml.Append($"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n");
        }

        yaml.Append("routeRule:\n  reviews: *a9\n");

        var error = Assert.Throws<MeshConfigurationException>(() => RouterRules.Parse(yaml.ToString(), "router.yaml"));

        Assert.Contains("more than 100000 nodes (aliases expanded); refused as an alias bomb", error.Message, StringComparison.Ordinal);
        Assert.InRange(error.Line, 5, 6); // refused while reading a4 or a5, long before a9
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused_at_the_level_that_passes_it_counting_the_root_mapping()
    {
        var yaml = "routeRule: " + new string('[', 500) + new string(']', 500) + "\n";

        var error = Assert.Throws<MeshConfigurationException>(() => RouterRules.Parse(yaml, "router.yaml"));

        Assert.Equal("router.yaml:1:75: nesting deeper than 64 levels", error.Message);
    }

    [Fact]
    public void A_duplicate_key_is_refused_with_both_positions()
    {
        const string yaml = "routeRule:\n  reviews:\n    - route: [{tags: {version: v1}, weight: 100}]\n  reviews:\n    - route: [{tags: {version: v2}, weight: 100}]\n";

        var error = Assert.Throws<MeshConfigurationException>(() => RouterRules.Parse(yaml, "router.yaml"));

        Assert.Equal("router.yaml:4:3: duplicate key 'reviews' (first at line 2, column 3)", error.Message);
    }

    [Fact]
    public void The_same_key_in_two_mappings_is_not_a_duplicate()
    {
        const string yaml = "routeRule:\n  reviews:\n    - route: [{tags: {version: v1}, weight: 100}]\n  ratings:\n    - route: [{tags: {version: v1}, weight: 100}]\n";

        Assert.Equal(2, RouterRules.Parse(yaml, "router.yaml").Services.Count);
    }

    [Fact]
    public void A_file_over_the_size_limit_is_refused_before_it_is_read()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("meshclient-yaml-").FullName, "router.yaml");
        try
        {
            using (var stream = File.Create(path))
            {
                stream.SetLength(5L * 1024 * 1024);
            }

            var error = Assert.Throws<MeshConfigurationException>(() => RouterRules.Load(path));

            Assert.Equal($"{path}: the file is 5242880 bytes long, over the limit of 4194304", error.Message);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void Text_over_the_size_limit_is_refused()
    {
        var error = Assert.Throws<MeshConfigurationException>(() => RouterRules.Parse("#" + new string('x', 4 * 1024 * 1024), "router.yaml"));

        Assert.Equal("router.yaml: 4194305 characters, over the limit of 4194304", error.Message);
    }
}
