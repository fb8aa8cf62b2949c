using Xunit.Abstractions;

namespace MeshClient.EndToEnd.Tests.Http;

/// <summary>A route rule that matches a request header, applied by the mesh handler of an HttpClient.</summary>
public sealed class HeaderRoutingTests(ITestOutputHelper output)
{
    /// <summary>The seed's rule, under a higher-precedence rule that sends jason to v2 (the debug build).</summary>
    private const string Router = """
        routeRule:
          reviews:
            - precedence: 3
              match:
                headers:
                  X-User:
                    exact: jason
              route:
              - tags:
                  version: v2
                  debug: true
                weight: 100
            - precedence: 2
              route:
              - tags: {version: v1}
                weight: 40
              - tags: {version: v2, debug: true}
                weight: 40
              - tags: {version: v3}
                weight: 20
        """;

    [Fact]
    public async Task Calls_whose_X_User_header_matches_the_rule_all_go_to_v2_and_the_others_keep_the_split()
    {
        await using var mesh = await MeshScenario.StartAsync(output);
        var (v1, v2, v3) = await Seed.ServeReviewsAsync(mesh);
        await mesh.StartAppAsync(Seed.Files(mesh, Router));

        var jason = await mesh.CallAsync(50, r => r.Headers.Add("X-User", "jason"));
        Assert.All(jason, c => Assert.Equal("v2", c.Backend));
        Assert.Equal([0, 50, 0], [v1.Received, v2.Received, v3.Received]);

        var anna = await mesh.CallAsync(100, r => r.Headers.Add("X-User", "anna"));
        var anonymous = await mesh.CallAsync(100);
        foreach (var calls in new[] { anna, anonymous })
        {
            Assert.All(calls, c => Assert.True(c.Succeeded, c.ToString()));
            var answered = Seed.CountByBackend(calls);
            Assert.Equal(40, answered["v1"]);
            Assert.Equal(40, answered["v2"]);
            Assert.Equal(20, answered["v3"]);
        }
    }
}
