using Grpc.Net.Client;
using Grpc.Net.ClientFactory;
using MeshClient.EndToEnd.Tests.Grpc.Proto;
using MeshClient.Http;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace MeshClient.EndToEnd.Tests.Grpc;

/// <summary>
/// Variants of the http:// shapes beyond <see cref="GrpcCallTests"/>: the caller's own SocketsHttpHandler beneath the
/// mesh handler, a primary handler configured after <c>AddMeshRouting()</c>, and a service name that DNS does not
/// know. Each call (not each connection) is balanced over the pods Pilot names, and the decoy listening where DNS
/// resolves the channel's host receives nothing: without the mesh's opt-out, Grpc.Net.Client finds the
/// SocketsHttpHandler under the mesh handler, balances by itself and sends every call to the decoy.
/// </summary>
public sealed class GrpcHandlerShapeTests(ITestOutputHelper output)
{
    private const int Calls = 6;

    [Fact]
    public async Task HttpHandler_from_MeshHttpHandler_Create_over_the_callers_own_SocketsHttpHandler_balances_every_call()
    {
        await using var grpc = await GrpcMesh.StartAsync(output);
        var pods = await ServePodsAsync(grpc);
        var mesh = await grpc.StartConsoleAsync();

        using var channel = GrpcChannel.ForAddress(grpc.DecoyAddress, new GrpcChannelOptions
        {
            HttpHandler = MeshHttpHandler.Create(mesh.Router, innerHandler: new SocketsHttpHandler { EnableMultipleHttp2Connections = true }),
        });

        await AssertBalancedAsync(new Pods.PodsClient(channel), grpc, pods);
    }

    [Fact]
    public async Task AddGrpcClient_with_AddMeshRouting_before_a_later_primary_handler_still_balances_every_call()
    {
        await using var grpc = await GrpcMesh.StartAsync(output);
        var pods = await ServePodsAsync(grpc);
        var app = await grpc.StartAppAsync(services =>
            services.AddGrpcClient<Pods.PodsClient>(o => o.Address = grpc.DecoyAddress)
                .AddMeshRouting()
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { EnableMultipleHttp2Connections = true }));

        var client = app.Services.GetRequiredService<GrpcClientFactory>().CreateClient<Pods.PodsClient>(nameof(Pods.PodsClient));

        await AssertBalancedAsync(client, grpc, pods);
    }

    [Fact]
    public async Task The_service_name_as_the_address_needs_no_DNS_at_all()
    {
        await using var grpc = await GrpcMesh.StartAsync(output);
        var pods = await grpc.StartPodsAsync("a", "b");
        grpc.Pilot.SetService("reviews", 9080, pods.Select(p => p.Endpoint()));
        var mesh = await grpc.StartConsoleAsync();

        using var channel = GrpcChannel.ForAddress("http://reviews:9080", new GrpcChannelOptions { HttpHandler = mesh.CreateHandler() });
        var client = new Pods.PodsClient(channel);
        var answered = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            answered.Add((await client.WhoAsync(new WhoRequest()).ResponseAsync.WaitAsync(GrpcMesh.Bound)).Pod);
        }

        AssertAlternates(answered);
    }

    private static async Task<GrpcPod[]> ServePodsAsync(GrpcMesh grpc)
    {
        var pods = await grpc.StartPodsAsync("a", "b");
        grpc.ServeAtDecoyAddress(pods);
        return pods;
    }

    /// <summary>Round robin over two pods, on one channel: the answers alternate, so calls (not connections) are balanced.</summary>
    private static async Task AssertBalancedAsync(Pods.PodsClient client, GrpcMesh grpc, GrpcPod[] pods)
    {
        var answered = new List<string>();
        for (var i = 0; i < Calls; i++)
        {
            var reply = await client.WhoAsync(new WhoRequest { Text = "call " + i }).ResponseAsync.WaitAsync(GrpcMesh.Bound);
            Assert.Equal("call " + i, reply.Text);
            answered.Add(reply.Pod);
        }

        Assert.Equal(0, grpc.Decoy.Received);
        AssertAlternates(answered);
        Assert.Equal([Calls / 2, Calls / 2], pods.Select(p => p.Received));
    }

    /// <summary>
    /// Round robin over pods a and b: each call goes to the other pod than the call before. Which pod takes the first
    /// call is the process's random start (so replicas do not move in lockstep), not part of the contract.
    /// </summary>
    private static void AssertAlternates(List<string> answered)
    {
        Assert.Contains(answered[0], new[] { "a", "b" });
        var other = answered[0] == "a" ? "b" : "a";
        var expected = Enumerable.Range(0, answered.Count).Select(i => i % 2 == 0 ? answered[0] : other);
        Assert.Equal(expected, answered);
    }
}
