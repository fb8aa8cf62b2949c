using System.Text.RegularExpressions;
using MeshClient.Routing;
using MeshClient.Testing;
using MeshClient.Tests.Shared;
using MeshClient.Tests.Xds.Protocol.Fuzz;

namespace MeshClient.Tests.Routing.Fuzz;

/// <summary>
/// Mutated router.yaml and DestinationRule documents, loaded as a running app reloads its file: nothing but the load
/// error (FILE:LINE:COLUMN: reason, or FILE: reason) ever comes out, and a document that does not load leaves the
/// rules in force as they were. Fixed seed; MESH_FUZZ_CASES and MESH_FUZZ_SEED run more.
/// </summary>
public sealed partial class RoutingYamlFuzzTests : IDisposable
{
    private const string Router = """
        router:
          infra: cse
        sourceTemplate:
          chrome:
            source: productpage
            sourceTags:
              version: v1
            headers:
              user-agent:
                regex: ".*Chrome.*"
        routeRule:
          reviews:
            - precedence: 2
              match:
                headers:
                  user:
                    regex: "jason|json"
                  x-count:
                    greater: 10
              route:
              - tags:
                  version: v2
                weight: 100
            - precedence: 1
              match:
                refer: chrome
              route:
              - tags: {version: v3}
                weight: 100
            - precedence: 0
              route:
              - tags:
                  version: v1
                weight: 40
              - tags:
                  version: v2
                  debug: true
                weight: 60
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("meshclient-yamlfuzz-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Mutated_router_yaml_gives_only_load_errors_and_keeps_the_rules_in_force()
    {
        Run(Router, (path, time) => RouterRules.Watch(path, null, time, TimeSpan.FromMilliseconds(1)), FuzzSettings.Cases / 2);
    }

    [Fact]
    public void Mutated_destination_rules_give_only_load_errors_and_keep_the_rules_in_force()
    {
        var rules = MeshClient.Tests.Shared.SeedYaml.DestinationRule + "\n---\n" + MeshClient.Tests.Shared.SeedYaml.DestinationRule.Replace("name: reviews", "name: ratings", StringComparison.Ordinal).Replace("host: reviews", "host: ratings", StringComparison.Ordinal)
            + "\n  trafficPolicy:\n    loadBalancer:\n      simple: LEAST_REQUEST\n";
        Run(rules, (path, time) => DestinationRuleSet.Watch(path, "default", null, time, TimeSpan.FromMilliseconds(1)), FuzzSettings.Cases / 2);
    }

    private void Run<T>(string seedText, Func<string, SignalingTimeProvider, RoutingConfigurationFile<T>> watch, int cases)
        where T : class
    {
        var path = Path.Combine(_directory, "rules.yaml");
        File.WriteAllText(path, seedText);
        var time = new SignalingTimeProvider();
        using var file = watch(path, time);
        var mutator = new YamlTextMutator(new Random(FuzzSettings.Seed));
        var position = LoadError(path);
        var failures = 0;
        for (var i = 0; i < cases; i++)
        {
            var text = mutator.Mutate(seedText);
            var before = file.Current;
            File.WriteAllText(path, text);
            file.NotifyChanged();
            time.Advance(TimeSpan.FromMilliseconds(1)); // runs the reload inline: an exception out of it fails here

            if (file.LastError is { } error)
            {
                failures++;
                Assert.True(ReferenceEquals(before, file.Current), $"case {i}: the rules in force changed on a failed load{Environment.NewLine}{text}");
                Assert.True(position.IsMatch(error.Message), $"case {i}: not a load error: {error.Message}{Environment.NewLine}{text}");
                Assert.False(error.Reason.StartsWith("cannot load:", StringComparison.Ordinal), $"case {i}: a parser failed unexpectedly: {error.Message}{Environment.NewLine}{text}");
            }
        }

        // Most mutations break the document; some keep it valid: both paths were exercised.
        Assert.InRange(failures, cases / 10, cases - (cases / 100));
    }

    private static Regex LoadError(string path) => new($@"^{Regex.Escape(path)}(:\d+:\d+)?: \S", RegexOptions.CultureInvariant);
}
