using Microsoft.Extensions.Time.Testing;
using MeshClient.Http;
using MeshClient.Registry;
using MeshClient.Resilience;
using MeshClient.Routing;
using MeshClient.Testing;
using MeshClient.Tests.Routing;

namespace MeshClient.Tests.Resilience;

/// <summary>The router's exclusion hook: ejected endpoints are skipped, all-excluded routes to all, retries pick endpoints not tried.</summary>
public sealed class EndpointExclusionTests
{
    private static readonly RouteRequest Request = new("targetService");
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Ejected_endpoint_is_skipped_and_its_share_spreads_evenly_over_the_others()
    {
        var registry = new MeshRegistry(new RegistrySnapshot(1, [MeshFixtures.Cluster(MeshFixtures.SeedHost, string.Empty, MeshFixtures.Endpoint("10.0.0.1"), MeshFixtures.Endpoint("10.0.0.2"), MeshFixtures.Endpoint("10.0.0.3"))]));
        var router = new MeshRouter(registry);
        var outliers = new ServiceOutlierDetectors(new OutlierDetectionSettings(1, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(300), 50), _time);
        var service = router.Route(Request).Service!;
        Assert.True(outliers.GetOrCreate(service).ReportFailure(MeshFixtures.Endpoint("10.0.0.2"), 3));

        var picks = Enumerable.Range(0, 100).Select(_ => router.Route(Request, default(NoRouteHeaders), new AttemptEndpointFilter(outliers, null)).Endpoint!.Address).ToArray();

        Assert.DoesNotContain("10.0.0.2", picks);
        Assert.Equal(50, picks.Count(a => a == "10.0.0.1"));
        Assert.Equal(50, picks.Count(a => a == "10.0.0.3"));

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Contains(router.Route(Request, default(NoRouteHeaders), new AttemptEndpointFilter(outliers, null)).Endpoint!.Address, new[] { "10.0.0.1", "10.0.0.2", "10.0.0.3" });
        Assert.Equal(3, Enumerable.Range(0, 3).Select(_ => router.Route(Request, default(NoRouteHeaders), new AttemptEndpointFilter(outliers, null)).Endpoint!.Address).Distinct().Count());
    }

    [Fact]
    public void When_every_candidate_of_the_tag_set_is_excluded_the_call_goes_to_one_of_them()
    {
        var router = MeshFixtures.SeedRouter();
        var all = MeshFixtures.Endpoints(MeshFixtures.SeedSnapshot()).ToList();

        var decisions = Enumerable.Range(0, 10).Select(_ => router.Route(Request, default(NoRouteHeaders), new AttemptEndpointFilter(null, all))).ToArray();

        Assert.All(decisions, d => Assert.True(d.Succeeded));
        Assert.All(decisions, d => Assert.Equal(d.Subset, MeshFixtures.SubsetOf(d.Endpoint!)));
    }

    [Fact]
    public void Route_again_picks_an_endpoint_of_the_same_tag_set_not_tried_and_keeps_the_rule_split()
    {
        var router = MeshFixtures.SeedRouter();
        var first = router.Route(Request);
        Assert.Equal("v1", first.Subset);

        var again = router.RouteAgain(first, new AttemptEndpointFilter(null, [first.Endpoint!]));

        Assert.Equal("v1", again.Subset);
        Assert.Equal("v1", MeshFixtures.SubsetOf(again.Endpoint!));
        Assert.False(again.Endpoint!.HasSameAddress(first.Endpoint!));
        Assert.Equal(first.RuleIndex, again.RuleIndex);

        // The rule's weight pool did not move: the next first attempt is the second of the 40/40/20 sequence.
        Assert.Equal("v2", router.Route(Request).Subset);
    }

    [Fact]
    public void Route_again_leaves_the_tag_set_only_when_every_endpoint_of_it_was_tried()
    {
        var router = MeshFixtures.SeedRouter();
        var first = router.Route(Request);
        var v1 = MeshFixtures.Endpoints(MeshFixtures.SeedSnapshot()).Where(e => MeshFixtures.SubsetOf(e) == "v1").Distinct().ToList();

        var again = router.RouteAgain(first, new AttemptEndpointFilter(null, v1));

        Assert.True(again.Succeeded);
        Assert.NotEqual("v1", MeshFixtures.SubsetOf(again.Endpoint!));
        Assert.Empty(again.Tags);
        Assert.Null(again.Subset);
    }

    [Fact]
    public void Route_again_with_everything_tried_still_returns_an_endpoint_of_the_tag_set()
    {
        var router = MeshFixtures.SeedRouter();
        var first = router.Route(Request);
        var all = MeshFixtures.Endpoints(MeshFixtures.SeedSnapshot()).ToList();

        var again = router.RouteAgain(first, new AttemptEndpointFilter(null, all));

        Assert.True(again.Succeeded);
        Assert.Equal("v1", MeshFixtures.SubsetOf(again.Endpoint!));
    }

    [Fact]
    public void A_decision_with_outlier_ejection_on_allocates_nothing_even_with_an_endpoint_ejected()
    {
        var router = MeshFixtures.SeedRouter(time: _time);
        var outliers = new ServiceOutlierDetectors(new OutlierDetectionSettings(1, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(300), 50), _time);
        var first = router.Route(Request);
        outliers.GetOrCreate(first.Service!).ReportFailure(first.Endpoint!, 6);
        using var message = new HttpRequestMessage(HttpMethod.Get, "http://targetService/");
        message.Headers.TryAddWithoutValidation("X-User", "anna");
        var headers = new HttpRequestHeadersReader(message.Headers);
        var filter = new AttemptEndpointFilter(outliers, null);
        for (var i = 0; i < 100; i++)
        {
            router.Route(Request, headers, filter);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            var decision = router.Route(Request, headers, filter);
            Assert.False(decision.Endpoint!.HasSameAddress(first.Endpoint!));
            router.BeginCall(decision).Complete(success: true);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
