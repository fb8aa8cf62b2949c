using MeshClient.Xds.Protocol;
using MeshClient.Xds.Protos.Discovery;

namespace MeshClient.Tests.Xds.Protocol;

public sealed class XdsSubscriptionStateTests
{
    [Fact]
    public void Names_are_sorted_deduplicated_and_changes_are_reported()
    {
        var state = new XdsSubscriptionState(XdsTypeUrls.ClusterLoadAssignmentV3);

        Assert.True(state.SetResourceNames(["b", "a", "b"]));
        Assert.Equal(["a", "b"], state.ResourceNames.ToArray());
        Assert.False(state.SetResourceNames(["b", "a"]));
        Assert.True(state.SetResourceNames([]));
        Assert.Empty(state.ResourceNames);
    }

    [Fact]
    public void Ack_and_nack_track_version_and_nonce_and_a_new_stream_forgets_the_nonce()
    {
        var state = new XdsSubscriptionState(XdsTypeUrls.ClusterV3);

        var ack = state.Ack(new DiscoveryResponse { TypeUrl = XdsTypeUrls.ClusterV3, VersionInfo = "v1", Nonce = "n1" });
        Assert.Equal(("v1", "n1"), (ack.VersionInfo, ack.ResponseNonce));

        var nack = state.Nack(new DiscoveryResponse { TypeUrl = XdsTypeUrls.ClusterV3, VersionInfo = "v2", Nonce = "n2" }, "bad");
        Assert.Equal(("v1", "n2"), (nack.VersionInfo, nack.ResponseNonce));
        Assert.Equal(3, nack.ErrorDetail.Code);
        Assert.Equal("bad", nack.ErrorDetail.Message);

        state.StartStream();
        var request = state.CreateRequest();
        Assert.Equal(("v1", string.Empty), (request.VersionInfo, request.ResponseNonce));
        Assert.Null(request.ErrorDetail);
    }
}
