using Microsoft.Extensions.Time.Testing;
using MeshClient.LoadBalancing;
using MeshClient.Registry;
using MeshClient.Routing;
using MeshClient.Testing;
using MeshClient.Tests.Routing;

namespace MeshClient.Tests.LoadBalancing;

/// <summary>SessionStickiness through the router: header and cookie keys, health, failures, timeout.</summary>
public sealed class SessionStickinessTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly MeshRegistry _registry = new(new RegistrySnapshot(1, [
        MeshFixtures.Cluster(MeshFixtures.ReviewsHost, string.Empty, MeshFixtures.Endpoint("10.4.0.1"), MeshFixtures.Endpoint("10.4.0.2"), MeshFixtures.Endpoint("10.4.0.3")),
    ]));

    private MeshRouter Router(string? header = "X-Session", string? cookie = null) =>
        new(_registry, options: new MeshRouterOptions
        {
            DefaultStrategy = LoadBalancingStrategy.SessionStickiness,
            SessionHeaderName = header,
            SessionCookieName = cookie,
            SessionTimeout = TimeSpan.FromSeconds(30),
            SessionSuccessiveFailures = 2,
        }, timeProvider: _time);

    private static RouteDecision Route(MeshRouter router, string name, string value) =>
        router.Route(new RouteRequest("reviews"), MeshFixtures.Headers((name, value)));

    [Fact]
    public void A_session_keeps_its_endpoint_while_other_sessions_spread()
    {
        var router = Router();
        var a = Route(router, "X-Session", "alice").Endpoint!;
        var b = Route(router, "X-Session", "bob").Endpoint!;
        Assert.False(a.HasSameAddress(b));
        for (var i = 0; i < 20; i++)
        {
            Assert.Same(a, Route(router, "x-session", "alice").Endpoint);
            Assert.Same(b, Route(router, "X-Session", "bob").Endpoint);
        }

        Assert.Equal(LoadBalancingStrategy.SessionStickiness, Route(router, "X-Session", "alice").Strategy);
    }

    [Fact]
    public void Calls_without_a_session_key_go_round_robin()
    {
        var router = Router();
        var picked = Enumerable.Range(0, 3).Select(_ => router.Route(new RouteRequest("reviews")).Endpoint!.Address).Order().ToArray();
        Assert.Equal(["10.4.0.1", "10.4.0.2", "10.4.0.3"], picked);
    }

    [Fact]
    public void The_key_can_come_from_a_cookie()
    {
        var router = Router(header: null, cookie: "SESSION");
        var first = Route(router, "Cookie", "theme=dark; SESSION=abc; lang=en").Endpoint!;
        Assert.All(Enumerable.Range(0, 10), _ => Assert.Same(first, Route(router, "Cookie", "SESSION=\"abc\"").Endpoint));
        Assert.Equal("abc", SessionKeyReader.FindCookie("a=1;  SESSION = abc ;b=2", "SESSION").ToString());
        Assert.True(SessionKeyReader.FindCookie("a=1; SESSIONX=abc", "SESSION").IsEmpty);
    }

    [Fact]
    public void A_session_moves_after_successive_failures_of_its_endpoint()
    {
        var router = Router();
        var first = Route(router, "X-Session", "alice");
        router.BeginCall(first).Complete(success: false);
        Assert.Same(first.Endpoint, Route(router, "X-Session", "alice").Endpoint);
        router.BeginCall(first).Complete(success: false);

        var moved = Route(router, "X-Session", "alice");
        Assert.NotSame(first.Endpoint, moved.Endpoint);
        Assert.All(Enumerable.Range(0, 5), _ => Assert.Same(moved.Endpoint, Route(router, "X-Session", "alice").Endpoint));
    }

    [Fact]
    public void A_success_resets_the_failure_count()
    {
        var router = Router();
        var first = Route(router, "X-Session", "alice");
        router.BeginCall(first).Complete(success: false);
        router.BeginCall(first).Complete(success: true);
        router.BeginCall(first).Complete(success: false);
        Assert.Same(first.Endpoint, Route(router, "X-Session", "alice").Endpoint);
    }

    [Fact]
    public void A_session_moves_when_its_endpoint_becomes_unhealthy()
    {
        var router = Router();
        var first = Route(router, "X-Session", "alice").Endpoint!;
        _registry.Replace([
            MeshFixtures.Cluster(
                MeshFixtures.ReviewsHost,
                string.Empty,
                new[] { "10.4.0.1", "10.4.0.2", "10.4.0.3" }
                    .Select(a => MeshFixtures.Endpoint(a, health: a == first.Address ? EndpointHealth.Unhealthy : EndpointHealth.Healthy))
                    .ToArray()),
        ]);
        var moved = Route(router, "X-Session", "alice").Endpoint!;
        Assert.NotEqual(first.Address, moved.Address);
    }

    [Fact]
    public void A_session_unused_past_the_timeout_is_bound_anew()
    {
        var router = Router();
        var first = Route(router, "X-Session", "alice").Endpoint!;
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Same(first, Route(router, "X-Session", "alice").Endpoint);
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Same(first, Route(router, "X-Session", "alice").Endpoint);

        // Other sessions move the rotation on, so a rebind after the timeout lands elsewhere.
        Route(router, "X-Session", "bob");
        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.NotSame(first, Route(router, "X-Session", "alice").Endpoint);
    }

    [Fact]
    public void A_known_session_costs_no_allocation()
    {
        var router = Router();
        var headers = MeshFixtures.Headers(("X-Session", "alice"));
        var request = new RouteRequest("reviews");
        router.Route(request, headers);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            router.Route(request, headers);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
