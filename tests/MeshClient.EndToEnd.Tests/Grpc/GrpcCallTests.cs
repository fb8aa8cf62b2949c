using Grpc.Core;
using MeshClient.EndToEnd.Tests.Grpc.Proto;
using MeshClient.EndToEnd.Tests.Http;
using Xunit.Abstractions;

namespace MeshClient.EndToEnd.Tests.Grpc;

/// <summary>
/// The real Grpc.Net.Client, in every shape a user writes (<see cref="GrpcShape"/>), against real Grpc.AspNetCore pods
/// that FakePilot names: unary and server-streaming calls are balanced per call, route rules match gRPC metadata,
/// deadlines and cancellation reach the pod, and a pod killed mid-run costs no call. Services are named
/// <c>localhost:DECOYPORT</c> where the test allows, so a client that asked DNS would reach the decoy, which must
/// receive nothing.
/// </summary>
public sealed class GrpcCallTests(ITestOutputHelper output)
{
    /// <summary>The seed's split under a rule sending metadata <c>x-user: jason</c> to v2.</summary>
    private const string JasonToV2 = """
        routeRule:
          reviews:
            - precedence: 3
              match:
                headers:
                  x-user:
                    exact: jason
              route:
              - tags: {version: v2, debug: true}
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

    public static TheoryData<GrpcShape> AllShapes => GrpcShapes.All;

    [Theory]
    [MemberData(nameof(AllShapes))]
    public async Task Unary_calls_are_balanced_per_call_over_Pilots_pods_and_DNS_is_never_asked(GrpcShape shape)
    {
        await using var grpc = await GrpcMesh.StartAsync(output);
        var pods = await grpc.StartPodsAsync("a", "b");
        grpc.ServeAtDecoyAddress(pods);
        var (client, channel) = await GrpcShapes.CreateAsync(grpc, shape, $"localhost:{grpc.Decoy.Port}");
        using var _ = channel;
        await WarmUpAsync(client, pods);

        var answered = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            using var call = client.WhoAsync(new WhoRequest { Text = "call " + i });
            var reply = await call.ResponseAsync.WaitAsync(GrpcMesh.Bound);
            Assert.Equal("call " + i, reply.Text);
            Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
            Assert.Equal(reply.Pod, call.GetTrailers().GetValue(GrpcPod.PodTrailer));
            answered.Add(reply.Pod);
        }

        // Round robin over one channel alternates: calls are balanced, not connections.
        Assert.Equal(3, answered.Count(p => p == "a"));
        Assert.All(answered.Zip(answered.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));
        Assert.Equal(0, grpc.Decoy.Received);
        Assert.Equal(0, grpc.Decoy.Connections);
    }

    [Theory]
    [MemberData(nameof(AllShapes))]
    public async Task Server_streaming_calls_stream_from_one_pod_and_successive_calls_are_balanced(GrpcShape shape)
    {
        await using var grpc = await GrpcMesh.StartAsync(output);
        var pods = await grpc.StartPodsAsync("a", "b");
        grpc.ServeAtDecoyAddress(pods);
        var (client, channel) = await GrpcShapes.CreateAsync(grpc, shape, $"localhost:{grpc.Decoy.Port}");
        using var _ = channel;
        await WarmUpAsync(client, pods);

        var streams = new List<string>();
        for (var call = 0; call < 4; call++)
        {
            using var stream = client.Count(new CountRequest { Count = 5 });
            var replies = new List<WhoReply>();
            await foreach (var reply in stream.ResponseStream.ReadAllAsync().WithCancellation(CancellationToken.None))
            {
                replies.Add(reply);
            }

            Assert.Equal([0, 1, 2, 3, 4], replies.Select(r => r.Index));
            streams.Add(Assert.Single(replies.Select(r => r.Pod).Distinct()));
        }

        Assert.Equal(2, streams.Count(p => p == "a"));
        Assert.All(streams.Zip(streams.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));
        Assert.Equal(0, grpc.Decoy.Received);
    }

    [Theory]
    [MemberData(nameof(AllShapes))]
    public async Task A_route_rule_on_a_metadata_header_sends_those_calls_to_its_subset_and_the_rest_keep_the_split(GrpcShape shape)
    {
        await using var grpc = await GrpcMesh.StartAsync(output);
        var pods = await grpc.StartPodsAsync("v1", "v2", "v3");
        grpc.Pilot.SetService(
            "reviews",
            9080,
            [pods[0].Endpoint(("version", "v1")), pods[1].Endpoint(("version", "v2"), ("debug", "true")), pods[2].Endpoint(("version", "v3"))],
            Seed.Subsets);
        var router = grpc.WriteFile("router.yaml", JasonToV2);
        var destinationRule = grpc.WriteFile("destination-rule.yaml", Seed.DestinationRule);
        var (client, channel) = await GrpcShapes.CreateAsync(grpc, shape, "reviews:9080", o =>
        {
            o.Routing.RouterFile = router;
            o.Routing.DestinationRuleFiles.Add(destinationRule);
        });
        using var _ = channel;

        var jason = new Metadata { { GrpcPod.RecordedHeader, "jason" } };
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("v2", (await client.WhoAsync(new WhoRequest(), jason).ResponseAsync.WaitAsync(GrpcMesh.Bound)).Pod);
        }

        Assert.Equal([0, 10, 0], pods.Select(p => p.Received));
        Assert.All(pods[1].Users, user => Assert.Equal("jason", user));

        var anna = new Metadata { { GrpcPod.RecordedHeader, "anna" } };
        var answered = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            answered.Add((await client.WhoAsync(new WhoRequest(), i % 2 == 0 ? anna : null).ResponseAsync.WaitAsync(GrpcMesh.Bound)).Pod);
        }

        // 40/40/20 over 20 calls, by smooth weighted round robin.
        Assert.Equal(8, answered.Count(p => p == "v1"));
        Assert.Equal(8, answered.Count(p => p == "v2"));
        Assert.Equal(4, answered.Count(p => p == "v3"));
    }

    [Theory]
    [MemberData(nameof(AllShapes))]
    public async Task A_call_past_its_deadline_ends_DeadlineExceeded_and_the_channel_goes_on(GrpcShape shape)
    {
        await using var grpc = await GrpcMesh.StartAsync(output);
        var pods = await grpc.StartPodsAsync("a");
        grpc.ServeAtDecoyAddress(pods);
        var (client, channel) = await GrpcShapes.CreateAsync(grpc, shape, $"localhost:{grpc.Decoy.Port}");
        using var _ = channel;
        await client.WhoAsync(new WhoRequest()).ResponseAsync.WaitAsync(GrpcMesh.Bound);

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            client.HoldAsync(new WhoRequest(), deadline: DateTime.UtcNow.AddMilliseconds(300)).ResponseAsync.WaitAsync(GrpcMesh.Bound));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Equal("a", (await client.WhoAsync(new WhoRequest()).ResponseAsync.WaitAsync(GrpcMesh.Bound)).Pod);
        Assert.Equal(0, grpc.Decoy.Received);
    }

    [Theory]
    [MemberData(nameof(AllShapes))]
    public async Task Cancelling_a_call_ends_it_Cancelled_and_the_pod_sees_the_cancellation(GrpcShape shape)
    {
        await using var grpc = await GrpcMesh.StartAsync(output);
        var pods = await grpc.StartPodsAsync("a");
        grpc.ServeAtDecoyAddress(pods);
        var (client, channel) = await GrpcShapes.CreateAsync(grpc, shape, $"localhost:{grpc.Decoy.Port}");
        using var _ = channel;
        using var cancellation = new CancellationTokenSource();

        var call = client.HoldAsync(new WhoRequest(), cancellationToken: cancellation.Token);
        await pods[0].HoldStarted.WaitAsync(GrpcMesh.Bound);
        await cancellation.CancelAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(GrpcMesh.Bound));
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        Assert.Equal("cancelled", await pods[0].HoldEnded.WaitAsync(GrpcMesh.Bound));
        Assert.Equal("a", (await client.WhoAsync(new WhoRequest()).ResponseAsync.WaitAsync(GrpcMesh.Bound)).Pod);
    }

    public static TheoryData<GrpcShape> RetryingShapes =>
        [.. Enum.GetValues<GrpcShape>().Where(s => s != GrpcShape.XdsServiceProvider)];

    [Theory]
    [MemberData(nameof(RetryingShapes))]
    public async Task A_pod_killed_mid_run_that_Pilot_still_names_costs_no_call(GrpcShape shape)
    {
        await using var grpc = await GrpcMesh.StartAsync(output);
        var pods = await grpc.StartPodsAsync("a", "b");
        grpc.ServeAtDecoyAddress(pods);
        var (client, channel) = await GrpcShapes.CreateAsync(grpc, shape, $"localhost:{grpc.Decoy.Port}");
        using var _ = channel;
        await WarmUpAsync(client, pods);

        var before = await CallManyAsync(client, 8);
        Assert.Equal(4, before.Count(p => p == "a"));
        await pods[0].KillAsync();

        // Calls that meet the dead pod (refused connection, or UNAVAILABLE) are retried on the live one.
        var after = await CallManyAsync(client, 20);
        Assert.All(after, p => Assert.Equal("b", p));
        Assert.Equal(0, grpc.Decoy.Received);
    }

    [Theory]
    [MemberData(nameof(RetryingShapes))]
    public async Task A_pod_answering_UNAVAILABLE_is_retried_elsewhere_and_ejected_after_its_consecutive_failures(GrpcShape shape)
    {
        await using var grpc = await GrpcMesh.StartAsync(output);
        var pods = await grpc.StartPodsAsync("sick", "healthy");
        grpc.ServeAtDecoyAddress(pods);
        var (client, channel) = await GrpcShapes.CreateAsync(grpc, shape, $"localhost:{grpc.Decoy.Port}", o => o.OutlierDetection.ConsecutiveFailures = 2);
        using var _ = channel;
        await WarmUpAsync(client, pods);
        pods[0].Failing = true;
        var before = pods[0].Received;

        var answered = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            answered.Add((await client.WhoAsync(new WhoRequest()).ResponseAsync.WaitAsync(GrpcMesh.Bound)).Pod);
        }

        // Every call succeeds (a trailers-only UNAVAILABLE is retried on the next endpoint); after two such answers
        // the sick pod is ejected and gets nothing more (without ejection it would get every other call).
        Assert.All(answered, p => Assert.Equal("healthy", p));
        Assert.Equal(before + 2, pods[0].Received);
    }

    public static TheoryData<GrpcShape> HandlerShapes =>
        [.. Enum.GetValues<GrpcShape>().Where(s => !GrpcShapes.IsXds(s))];

    [Theory]
    [MemberData(nameof(HandlerShapes))]
    public async Task A_client_streaming_call_answered_UNAVAILABLE_is_not_retried_by_the_mesh_handler(GrpcShape shape)
    {
        await using var grpc = await GrpcMesh.StartAsync(output);
        var pods = await grpc.StartPodsAsync("p1", "p2");
        grpc.ServeAtDecoyAddress(pods);
        var (client, channel) = await GrpcShapes.CreateAsync(grpc, shape, $"localhost:{grpc.Decoy.Port}");
        using var _ = channel;
        Array.ForEach(pods, p => p.Failing = true);

        // The request's messages cannot be replayed, so the first answer stands.
        using var call = client.Collect();
        foreach (var text in new[] { "one", "two", "three" })
        {
            await call.RequestStream.WriteAsync(new WhoRequest { Text = text }).WaitAsync(GrpcMesh.Bound);
        }

        await call.RequestStream.CompleteAsync().WaitAsync(GrpcMesh.Bound);
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(GrpcMesh.Bound));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.EndsWith(" is draining", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(1, pods.Sum(p => p.Received));

        Array.ForEach(pods, p => p.Failing = false);
        using var next = client.Collect();
        await next.RequestStream.WriteAsync(new WhoRequest { Text = "one" }).WaitAsync(GrpcMesh.Bound);
        await next.RequestStream.CompleteAsync().WaitAsync(GrpcMesh.Bound);
        Assert.Equal(1, (await next.ResponseAsync.WaitAsync(GrpcMesh.Bound)).Index);
    }

    [Theory]
    [MemberData(nameof(AllShapes))]
    public async Task A_stream_that_fails_after_its_first_message_is_not_retried(GrpcShape shape)
    {
        await using var grpc = await GrpcMesh.StartAsync(output);
        var pods = await grpc.StartPodsAsync("p1", "p2");
        grpc.ServeAtDecoyAddress(pods);
        var (client, channel) = await GrpcShapes.CreateAsync(grpc, shape, $"localhost:{grpc.Decoy.Port}");
        using var _ = channel;
        Array.ForEach(pods, p => p.Failing = true);

        using var call = client.Count(new CountRequest { Count = 3 });
        var replies = new List<WhoReply>();
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var reply in call.ResponseStream.ReadAllAsync().WithCancellation(CancellationToken.None))
            {
                replies.Add(reply);
            }
        }).WaitAsync(GrpcMesh.Bound);

        // The answer had begun: retrying would repeat what the caller already has.
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.EndsWith(" lost its backend", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, Assert.Single(replies).Index);
        Assert.Equal(1, pods.Sum(p => p.Received));
    }

    /// <summary>
    /// Calls until every pod has answered once, so every subchannel of an xds:/// channel is connected (a new channel
    /// balances over the endpoints it is connected to, as grpc's round_robin does, while the others connect).
    /// </summary>
    private static async Task WarmUpAsync(Pods.PodsClient client, GrpcPod[] pods)
    {
        for (var i = 0; i < 100 && pods.Any(p => p.Received == 0); i++)
        {
            await client.WhoAsync(new WhoRequest()).ResponseAsync.WaitAsync(GrpcMesh.Bound);
        }

        Assert.All(pods, p => Assert.True(p.Received > 0, $"{p.Name} answered no call."));
    }

    /// <summary>Concurrent unary calls, four at a time; returns which pod answered each.</summary>
    private static async Task<string[]> CallManyAsync(Pods.PodsClient client, int count)
    {
        var answers = new string[count];
        var next = -1;
        async Task Worker()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                answers[i] = (await client.WhoAsync(new WhoRequest()).ResponseAsync.WaitAsync(GrpcMesh.Bound)).Pod;
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Worker()));
        return answers;
    }
}
