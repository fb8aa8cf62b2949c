using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using MeshClient.Testing.Tests.Grpc;
using MeshClient.Xds.Protos.Discovery;
using MeshClient.Xds.Protos.Endpoint;
using XdsCluster = MeshClient.Xds.Protos.Cluster.Cluster;

namespace MeshClient.Testing.Tests;

/// <summary>Raw resources and raw responses: what tests use to send malformed or unusual content.</summary>
public sealed class FakePilotRawResourceTests : FakePilotTestBase
{
    [Fact]
    public async Task Raw_resources_replace_the_services_and_are_sent_verbatim()
    {
        SetReviews();
        var raw = new[]
        {
            Pack(new XdsCluster { Name = "dup" }, FakePilot.ClusterTypeUrlV3),
            Pack(new XdsCluster { Name = "dup" }, FakePilot.ClusterTypeUrlV3),
            Pack(new XdsCluster { Name = "wrong-type" }, FakePilot.ClusterTypeUrlV2),
            new Any { TypeUrl = FakePilot.ClusterTypeUrlV3, Value = ByteString.CopyFrom(0xFF, 0xFF) },
        };
        Pilot.SetRawResources(FakePilot.ClusterTypeUrlV3, raw);

        var (_, cds) = await OpenWithCdsAsync();

        Assert.Equal(raw, cds.Resources);
        var sent = await Pilot.WaitForResponseAsync(r => r.Nonce == cds.Nonce, Timeout);
        Assert.Equal(["dup", "dup", "wrong-type", string.Empty], sent.ResourceNames);
    }

    [Fact]
    public async Task Raw_endpoint_resources_are_sent_whole_whatever_the_subscribed_names()
    {
        var raw = new[] { Pack(new ClusterLoadAssignment { ClusterName = "not-requested" }, FakePilot.EndpointTypeUrlV3) };
        Pilot.SetRawResources(FakePilot.EndpointTypeUrlV3, raw);
        var (call, cds) = await OpenWithCdsAsync();
        await call.SendAsync(Requests.Ack(cds));

        await call.SendAsync(Requests.Subscribe(FakePilot.EndpointTypeUrlV3, "requested"));

        Assert.Equal(raw, (await call.ReadAsync()).Resources);
    }

    [Fact]
    public async Task SetRawResources_and_RemoveRawResources_push_to_connected_streams()
    {
        SetReviews();
        var (call, cds) = await OpenWithCdsAsync();
        await call.SendAsync(Requests.Ack(cds));
        await Pilot.WaitForRequestAsync(r => r.IsAck, Timeout);

        Pilot.SetRawResources(FakePilot.ClusterTypeUrlV3, [Pack(new XdsCluster { Name = "raw" }, FakePilot.ClusterTypeUrlV3)]);
        Assert.Equal(["raw"], ClusterNames(await call.ReadAsync()));

        Assert.True(Pilot.RemoveRawResources(FakePilot.ClusterTypeUrlV3));
        Assert.Equal(ClusterNames(cds), ClusterNames(await call.ReadAsync()));
        Assert.False(Pilot.RemoveRawResources(FakePilot.ClusterTypeUrlV3));
    }

    [Fact]
    public async Task Raw_resources_make_an_unknown_type_answerable()
    {
        const string listenerType = "type.googleapis.com/envoy.config.listener.v3.Listener";
        Pilot.SetRawResources(listenerType, [new Any { TypeUrl = listenerType }]);
        var call = Open();

        await call.SendAsync(Requests.First(listenerType));

        var answer = await call.ReadAsync();
        Assert.Equal(listenerType, answer.TypeUrl);
        Assert.Single(answer.Resources);
    }

    [Fact]
    public async Task SendRawResponseAsync_reaches_streams_that_did_not_subscribe_and_its_nonce_becomes_the_latest()
    {
        const string unknownType = "type.googleapis.com/example.Unknown";
        var (call, cds) = await OpenWithCdsAsync();
        await call.SendAsync(Requests.Ack(cds));
        await Pilot.WaitForRequestAsync(r => r.IsAck, Timeout);

        await Pilot.SendRawResponseAsync(unknownType, [new Any { TypeUrl = unknownType, Value = ByteString.CopyFromUtf8("x") }]).WaitAsync(Timeout);
        await Pilot.SendRawResponseAsync(FakePilot.EndpointTypeUrlV3, [Pack(new ClusterLoadAssignment { ClusterName = "unrequested" }, FakePilot.EndpointTypeUrlV3)]).WaitAsync(Timeout);

        var unknown = await call.ReadAsync();
        Assert.Equal(unknownType, unknown.TypeUrl);
        var unrequested = await call.ReadAsync();
        Assert.Equal(["unrequested"], AssignmentNames(unrequested));
        await call.SendAsync(Requests.Ack(unrequested));
        var ack = await Pilot.WaitForRequestAsync(r => r.ResponseNonce == unrequested.Nonce, Timeout);
        Assert.True(ack.IsAck);
    }

    [Fact]
    public async Task SendRawMessageAsync_sends_the_bytes_as_one_grpc_message()
    {
        var (call, _) = await OpenWithCdsAsync();

        await Pilot.SendRawMessageAsync(new byte[] { 0x0A, 0xFF, 0x01 }).WaitAsync(Timeout);

        Assert.Equal(new byte[] { 0x0A, 0xFF, 0x01 }, await call.ReadMessageAsync());
        Assert.Throws<InvalidProtocolBufferException>(() => DiscoveryResponse.Parser.ParseFrom(new byte[] { 0x0A, 0xFF, 0x01 }));
    }

    private static Any Pack(IMessage message, string typeUrl) => new() { TypeUrl = typeUrl, Value = message.ToByteString() };
}
