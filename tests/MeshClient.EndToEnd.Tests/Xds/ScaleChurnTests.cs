using System.Globalization;
using MeshClient.EndToEnd.Tests.Http;
using MeshClient.Testing;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace MeshClient.EndToEnd.Tests.Xds;

/// <summary>
/// A process that holds a mesh-scale registry (2,000 services of ten pods from FakePilot over real gRPC) keeps
/// routing real HTTP calls exactly while Pilot pushes without pause: one-service and larger EDS changes, CDS additions
/// and removals, and the called service moving between sets of real Kestrel backends. Over both xDS protocols. Every
/// ordering is decided by an <see cref="OrderClock"/> and registry signals, never by time.
/// </summary>
public sealed class ScaleChurnTests(ITestOutputHelper output)
{
    private const int BackgroundServices = 2000;
    private const int Cycles = 4;
    private const int LargerChange = 5;
    private const int ReviewsCallers = 2;
    private const int CallsPerChange = 20;
    private const int CallsWhileApplying = 1000;
    private const int CallsAfterPublish = 3;
    private const int Port = 9080;
    private const string Reviews = "reviews.default.svc.cluster.local";
    private const string Ratings = "ratings.default.svc.cluster.local";

    // The endpoint sets reviews moves through, as indexes into its six backends (then again from the first).
    private static readonly int[][] ReviewsSets = [[0, 1, 2], [3, 4, 5], [0, 2, 4], [1, 3, 5]];

    [Theory]
    [InlineData(XdsProtocol.StateOfTheWorld)]
    [InlineData(XdsProtocol.Delta)]
    public async Task Calls_route_exactly_while_Pilot_pushes_changes_into_a_mesh_of_2000_services(XdsProtocol protocol)
    {
        var logs = new TestOutputLoggerProvider(output);
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Warning));
        await using var pilot = await FakePilot.StartAsync(new FakePilotOptions { LoggerFactory = loggerFactory }).WaitAsync(ScaleApp.Bound);
        await using var backends = new EchoBackends();
        var reviews = await backends.StartAsync("reviews", 6);
        var ratings = await backends.StartAsync("ratings", 4);

        var mesh = new ScaleMesh(pilot);
        for (var i = 0; i < BackgroundServices; i++)
        {
            mesh.SetBackground(i, version: 0);
        }

        var clock = new OrderClock();
        var history = new GenerationHistory();
        var reviewsCluster = mesh.Set(Reviews, Port, Endpoints(reviews, ReviewsSets[0], "reviews"));
        history.Add(new CalledGeneration(0, Ports(reviews, ReviewsSets[0]), Requested: 0, Published: 0));
        mesh.Set(Ratings, Port, Endpoints(ratings, [0, 1, 2, 3], "ratings"));

        await using var app = await ScaleApp.StartAsync(pilot.Address, protocol, logs, new Dictionary<string, Uri>
        {
            ["reviews"] = new("http://reviews:9080"),
            ["ratings"] = new("http://ratings:9080"),
        });
        await app.WaitUntilAsync(s => mesh.Difference(s).Length == 0, "the first state of the whole mesh", () => mesh.Difference(app.Registry.Current));

        List<ChurnCaller> callers =
        [
            .. Enumerable.Range(0, ReviewsCallers).Select(i => new ChurnCaller($"reviews-caller-{i}", app.CreateClient("reviews"), "/reviews/1", clock, ScaleApp.Bound)),
            new ChurnCaller("ratings-caller", app.CreateClient("ratings"), "/ratings/1", clock, ScaleApp.Bound),
        ];
        callers.ForEach(c => c.Start(CallsAfterPublish));
        IReadOnlyList<ChurnCall>[] stopped;
        try
        {
            await Task.WhenAll(callers.Select(c => c.CompletedCallStartedAfter(0))).WaitAsync(ScaleApp.Bound);

            // Each change: the callers may make CallsPerChange calls from just before FakePilot is changed, then
            // CallsWhileApplying more from FakePilot's first EDS response after the change (every change here ends with
            // one) until the app's registry holds the changed clusters as FakePilot serves them, so calls run while the
            // client decodes, applies and publishes the push; then the publish point is taken and every caller completes
            // a call started after it (of CallsAfterPublish allowed), and the callers pause until the next change.
            async Task<long> ChangeAsync(Func<IReadOnlyCollection<string>> change, string what)
            {
                var sent = pilot.Responses.Count == 0 ? 0 : pilot.Responses[^1].Sequence;
                callers.ForEach(c => c.Allow(CallsPerChange));
                var changed = change();
                await pilot.WaitForResponseAsync(r => r.Sequence > sent && r.TypeUrl == FakePilot.EndpointTypeUrlV3, ScaleApp.Bound);
                callers.ForEach(c => c.Allow(CallsWhileApplying));
                await app.WaitUntilAsync(s => mesh.Holds(s, changed), what, () => mesh.Difference(app.Registry.Current));
                var published = clock.Now;
                callers.ForEach(c => c.Allow(CallsAfterPublish));
                await Task.WhenAll(callers.Select(c => c.CompletedCallStartedAfter(published))).WaitAsync(ScaleApp.Bound);
                return published;
            }

            for (var cycle = 0; cycle < Cycles; cycle++)
            {
                var single = cycle;
                await ChangeAsync(() => [mesh.SetBackground(single, mesh.VersionOf(single) + 1)], $"cycle {cycle}: one service's pods move");
                var larger = Enumerable.Range(100 + (cycle * LargerChange), LargerChange).ToList();
                await ChangeAsync(() => [.. larger.Select(i => mesh.SetBackground(i, mesh.VersionOf(i) + 1))], $"cycle {cycle}: {LargerChange} services' pods move");
                var (added, removed) = (BackgroundServices + cycle, 1000 + cycle);
                await ChangeAsync(() => [mesh.SetBackground(added, version: 0), mesh.RemoveBackground(removed)], $"cycle {cycle}: a service is added and one removed");

                var set = ReviewsSets[(cycle + 1) % ReviewsSets.Length];
                var requested = 0L;
                var published = await ChangeAsync(
                    () =>
                    {
                        requested = clock.Now;
                        return [mesh.Set(Reviews, Port, Endpoints(reviews, set, "reviews"))];
                    },
                    $"cycle {cycle}: reviews moves to backends {string.Join(", ", set)}");
                history.Add(new CalledGeneration(cycle + 1, Ports(reviews, set), requested, published));
            }
        }
        finally
        {
            // The callers stop after the churn's last change was published (or when the churn failed).
            stopped = await Task.WhenAll(callers.Select(c => c.StopAsync()));
        }

        var calls = stopped.Select(c => c.ToList()).ToList();
        await app.WaitUntilAsync(s => mesh.Difference(s).Length == 0, "the final state of the whole mesh", () => mesh.Difference(app.Registry.Current));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{protocol}: {mesh.ClusterCount} clusters; calls per caller: {string.Join(", ", calls.Select(c => c.Count))}; FakePilot sent {pilot.Responses.Count} responses"));

        var portsByBackend = backends.All.ToDictionary(b => b.Name, b => b.Port, StringComparer.Ordinal);
        ChurnAssertions.EveryCallSucceededOnTheEndpointItsLastAttemptChose(calls.SelectMany(c => c), portsByBackend);
        foreach (var callerCalls in calls.Take(ReviewsCallers))
        {
            ChurnAssertions.CallsAfterAPublishReachOnlyItsGeneration(callerCalls, history, portsByBackend);
            ChurnAssertions.NoAttemptReachesAPublishedRemoval(callerCalls, history);
        }

        ChurnAssertions.RoundRobinIsExact(calls[ReviewsCallers], ratings.Select(b => b.Port).ToList());
        Assert.All(calls[ReviewsCallers], c => Assert.All(c.AttemptPorts, p => Assert.Contains(p, ratings.Select(b => b.Port))));

        Assert.Equal(string.Empty, mesh.Difference(app.Registry.Current));
        Assert.Equal(BackgroundServices + 2, mesh.ClusterCount);
        Assert.Equal(MeshClient.Registry.MeshConnectionState.Synced, app.Registry.ConnectionState);
        Assert.Null(app.Registry.LastError);
        Assert.All(pilot.Requests, r => Assert.Equal(protocol == XdsProtocol.Delta, r.IsDelta));
    }

    private static List<FakeEndpoint> Endpoints(IReadOnlyList<EchoBackend> backends, int[] set, string app) =>
        [.. set.Select(i => backends[i].Endpoint(("app", app)))];

    private static HashSet<int> Ports(IReadOnlyList<EchoBackend> backends, int[] set) => [.. set.Select(i => backends[i].Port)];
}
