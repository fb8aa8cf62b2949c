using System.Collections.Concurrent;
using System.Diagnostics;
using MeshClient.Diagnostics;
using MeshClient.Http;
using MeshClient.Routing;
using MeshClient.Tests.Http;
using Microsoft.AspNetCore.Http;

namespace MeshClient.Tests.Diagnostics;

/// <summary>The activity of a routed call: what OpenTelemetry tracing shows of each routing decision.</summary>
public sealed class RouteActivityTests : IDisposable
{
    private const string Service = "activity-reviews";
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public RouteActivityTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MeshTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                // The listener sees every test's calls; keep this class's service only.
                if (activity.GetTagItem("meshclient.service") is string host && host.StartsWith(Service + ".", StringComparison.Ordinal))
                {
                    _stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task The_route_activity_is_current_below_the_mesh_handler_and_not_above_it()
    {
        await using var backend = await TestBackend.StartAsync("v1");
        var router = new MeshRouter(MeshTestRegistry.Create(Service, backend));
        var below = new CurrentActivityRecorder { InnerHandler = new SocketsHttpHandler() };
        var above = new CurrentActivityRecorder { InnerHandler = MeshHttpHandler.Create(router, MeshClients.NoRetries(), below) };
        using var client = new HttpClient(above);
        using var parent = new Activity("caller").Start();

        using var response = await client.GetAsync($"http://{Service}:9080/").WaitAsync(MeshClients.Bound);

        Assert.Equal(MeshTelemetry.RouteActivityName, below.Current?.OperationName);
        Assert.Same(parent, below.Current?.Parent);
        Assert.Same(parent, above.Current);
        Assert.Same(parent, Activity.Current);
        Assert.Single(_stopped);
    }

    [Fact]
    public async Task A_routed_call_records_service_rule_subset_and_endpoint()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var v2 = await TestBackend.StartAsync("v2");
        var rules = RouterRules.Parse($$$$"""
            routeRule:
              {{{{Service}}}}:
                - precedence: 5
                  match: {headers: {X-User: {exact: jason}}}
                  route:
                    - {tags: {version: v2}, weight: 100}
            """);
        var subsets = DestinationRuleSet.Parse($"""
            apiVersion: networking.istio.io/v1beta1
            kind: DestinationRule
            metadata:
              name: {Service}
            spec:
              host: {Service}
              subsets:
                - name: v1
                  labels:
                    version: v1
                - name: v2
                  labels:
                    version: v2
            """);
        var router = new MeshRouter(MeshTestRegistry.Create(Service, ("v1", [v1]), ("v2", [v2])), rules, subsets);
        using var client = MeshClients.Create(router);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{Service}:9080/");
        request.Headers.Add("X-User", "jason");

        using var response = await client.SendAsync(request).WaitAsync(MeshClients.Bound);

        var activity = Assert.Single(_stopped);
        Assert.Equal(MeshTelemetry.RouteActivityName, activity.OperationName);
        Assert.Equal(MeshTestRegistry.Host(Service), activity.GetTagItem("meshclient.service"));
        Assert.Equal(1, activity.GetTagItem("meshclient.rule.number"));
        Assert.Equal(5, activity.GetTagItem("meshclient.rule.precedence"));
        Assert.Equal("v2", activity.GetTagItem("meshclient.subset"));
        Assert.Equal($"127.0.0.1:{v2.Port}", activity.GetTagItem("meshclient.endpoint"));
        Assert.Equal(1, activity.GetTagItem("meshclient.attempts"));
        Assert.Equal(ActivityStatusCode.Unset, activity.Status);
    }

    [Fact]
    public async Task A_retried_call_names_the_last_endpoint_and_a_5xx_marks_the_activity_failed()
    {
        await using var b1 = await TestBackend.StartAsync("b1");
        await using var b2 = await TestBackend.StartAsync("b2");
        var order = new ConcurrentQueue<TestBackend>();
        var unavailable = TestBackend.Status(StatusCodes.Status503ServiceUnavailable);
        b1.Behaviour = b2.Behaviour = (context, backend) =>
        {
            order.Enqueue(backend);
            return unavailable(context, backend);
        };
        var router = new MeshRouter(MeshTestRegistry.Create(Service, b1, b2));
        using var client = MeshClients.Create(router);

        using var response = await client.GetAsync($"http://{Service}:9080/").WaitAsync(MeshClients.Bound);

        var activity = Assert.Single(_stopped);
        Assert.Equal(2, activity.GetTagItem("meshclient.attempts"));
        Assert.Equal(1, activity.GetTagItem("meshclient.retries"));
        Assert.Equal($"127.0.0.1:{order.Last().Port}", activity.GetTagItem("meshclient.endpoint"));
        Assert.NotEqual(order.First(), order.Last());
        Assert.Equal(ActivityStatusCode.Error, activity.Status);
    }

    /// <summary>Records <see cref="Activity.Current"/> as seen when the inner handler's response comes back.</summary>
    private sealed class CurrentActivityRecorder : DelegatingHandler
    {
        public Activity? Current { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            Current = Activity.Current;
            return response;
        }
    }
}
