using Grpc.Core;
using MeshClient;
using MeshClient.EndToEnd.Tests.Grpc.Proto;
using Xunit.Abstractions;

namespace MeshClient.EndToEnd.Tests.Grpc;

/// <summary>
/// Proxyless <c>xds:///</c> channels with the real Grpc.Net.Client: one connection per endpoint, kept across Pilot's
/// pushes, joined and left as pods come and go; clear errors for a service Pilot does not name and for Sidecar mode.
/// </summary>
public sealed class GrpcXdsTests(ITestOutputHelper output)
{
    public static TheoryData<GrpcShape> XdsShapes => GrpcShapes.Xds;

    [Theory]
    [MemberData(nameof(XdsShapes))]
    public async Task Each_endpoint_keeps_one_connection_across_pushes_new_pods_join_and_removed_pods_leave(GrpcShape shape)
    {
        await using var grpc = await GrpcMesh.StartAsync(output);
        var pods = await grpc.StartPodsAsync("a", "b", "c");
        var (a, b, c) = (pods[0], pods[1], pods[2]);
        grpc.Pilot.SetService("reviews", 9080, [a.Endpoint(), b.Endpoint()]);
        var (client, channel) = await GrpcShapes.CreateAsync(grpc, shape, "reviews:9080");
        using var _ = channel;

        await CallUntilAsync(client, () => a.Received > 0 && b.Received > 0, "a and b answer");
        var registry = grpc.Registry;

        // Pilot adds c: it joins; a and b keep their connections.
        grpc.Pilot.SetService("reviews", 9080, [a.Endpoint(), b.Endpoint(), c.Endpoint()]);
        await GrpcMesh.WaitForRegistryAsync(registry, s => EndpointCount(s) == 3, "three endpoints");
        await CallUntilAsync(client, () => c.Received > 0, "c answers");
        var answered = await CallAsync(client, 9);
        Assert.Equal(3, answered.Count(p => p == "a"));
        Assert.Equal(3, answered.Count(p => p == "b"));
        Assert.Equal(3, answered.Count(p => p == "c"));
        Assert.Equal([1, 1, 1], pods.Select(p => p.Connections));

        // Pilot removes a: it gets no call from now on, while it still listens.
        grpc.Pilot.SetService("reviews", 9080, [b.Endpoint(), c.Endpoint()]);
        await GrpcMesh.WaitForRegistryAsync(registry, s => EndpointCount(s) == 2, "two endpoints");
        var receivedByA = a.Received;
        answered = await CallAsync(client, 10);
        Assert.Equal(receivedByA, a.Received);
        Assert.Equal(5, answered.Count(p => p == "b"));
        Assert.Equal(5, answered.Count(p => p == "c"));
        Assert.Equal([1, 1], new[] { b, c }.Select(p => p.Connections));
    }

    [Theory]
    [MemberData(nameof(XdsShapes))]
    public async Task A_service_Pilot_does_not_name_fails_calls_UNAVAILABLE_naming_it(GrpcShape shape)
    {
        await using var grpc = await GrpcMesh.StartAsync(output);
        var pods = await grpc.StartPodsAsync("a");
        grpc.Pilot.SetService("reviews", 9080, pods.Select(p => p.Endpoint()));
        var (client, channel) = await GrpcShapes.CreateAsync(grpc, shape, "ratings:9080");
        using var _ = channel;

        var error = await Assert.ThrowsAsync<RpcException>(() => client.WhoAsync(new WhoRequest()).ResponseAsync.WaitAsync(GrpcMesh.Bound));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("Pilot names no service 'ratings:9080'", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, pods[0].Received);
    }

    [Fact]
    public async Task An_xds_address_in_Sidecar_mode_is_refused_with_the_reason()
    {
        await using var grpc = await GrpcMesh.StartAsync(output);
        var mesh = await grpc.StartConsoleAsync(o => o.Mode = MeshMode.Sidecar);

        var error = Assert.Throws<InvalidOperationException>(() => mesh.CreateGrpcChannel("xds:///reviews:9080"));

        Assert.Contains("Mesh:Mode is Sidecar", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("xds://pilot/reviews:9080", "names an xDS authority")]
    [InlineData("xds:///reviews:0", "the port must be 1 to 65535")]
    [InlineData("ftp://reviews:9080", "has the scheme 'ftp'")]
    public async Task A_bad_address_is_refused_with_the_reason(string address, string reason)
    {
        await using var grpc = await GrpcMesh.StartAsync(output);
        var mesh = await grpc.StartConsoleAsync();

        var error = Assert.Throws<ArgumentException>(() => mesh.CreateGrpcChannel(address));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    private static int EndpointCount(Registry.RegistrySnapshot snapshot) =>
        snapshot.Clusters.Values.Where(c => c.Name.StartsWith("outbound|9080||reviews.", StringComparison.Ordinal)).Sum(c => c.Endpoints.Length);

    private static async Task CallUntilAsync(Pods.PodsClient client, Func<bool> condition, string what)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await client.WhoAsync(new WhoRequest()).ResponseAsync.WaitAsync(GrpcMesh.Bound);
        }

        Assert.True(condition(), $"Not reached within 100 calls: {what}.");
    }

    private static async Task<List<string>> CallAsync(Pods.PodsClient client, int count)
    {
        var answered = new List<string>();
        for (var i = 0; i < count; i++)
        {
            answered.Add((await client.WhoAsync(new WhoRequest()).ResponseAsync.WaitAsync(GrpcMesh.Bound)).Pod);
        }

        return answered;
    }
}
