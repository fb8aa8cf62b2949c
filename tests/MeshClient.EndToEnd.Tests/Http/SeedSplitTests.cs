using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace MeshClient.EndToEnd.Tests.Http;

/// <summary>
/// The seed scenario through a real app: router.yaml 40/40/20 and the DestinationRule's subsets, endpoints from
/// FakePilot over xDS, calls through <c>AddHttpClient(...).AddMeshRouting()</c> to Kestrel pods.
/// </summary>
public sealed class SeedSplitTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_hundred_calls_of_a_named_client_split_40_40_20_over_the_subsets_backends()
    {
        await using var mesh = await MeshScenario.StartAsync(output);
        var (v1, v2, v3) = await Seed.ServeReviewsAsync(mesh);
        await mesh.StartAppAsync(Seed.Files(mesh));

        var calls = await mesh.CallAsync(100);

        Assert.All(calls, c => Assert.True(c.Succeeded, c.ToString()));
        var answered = Seed.CountByBackend(calls);
        Assert.Equal(40, answered["v1"]);
        Assert.Equal(40, answered["v2"]);
        Assert.Equal(20, answered["v3"]);

        // The calls reached the pods themselves (the body could lie; the pods' counters do not).
        Assert.Equal([40, 40, 20], [v1.Received, v2.Received, v3.Received]);
    }

    [Fact]
    public async Task A_typed_client_is_routed_the_same_way()
    {
        await using var mesh = await MeshScenario.StartAsync(output);
        var (v1, v2, v3) = await Seed.ServeReviewsAsync(mesh);
        await mesh.StartAppAsync(
            Seed.Files(mesh),
            services => services.AddHttpClient<ReviewsClient>(c => c.BaseAddress = MeshScenario.ServiceAddress).AddMeshRouting());

        var reviews = mesh.App.Services.GetRequiredService<ReviewsClient>();
        var answers = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            answers.Add(await reviews.GetReviewAsync(i));
        }

        Assert.Equal(40, answers.Count(a => a == "v1"));
        Assert.Equal(40, answers.Count(a => a == "v2"));
        Assert.Equal(20, answers.Count(a => a == "v3"));
        Assert.Equal([40, 40, 20], [v1.Received, v2.Received, v3.Received]);
    }
}
