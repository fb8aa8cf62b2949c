using Google.Protobuf;
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

    [Fact]
    public void A_change_by_names_reports_only_what_changed_and_keeps_the_names_sorted()
    {
        var state = new XdsSubscriptionState(XdsTypeUrls.ClusterLoadAssignmentV3);
        state.SetResourceNames(["b", "d"]);

        var (added, removed) = state.ChangeResourceNames(["c", "b", "a", "e"], ["d", "x", "e"]);

        Assert.Equal(["c", "a"], added);
        Assert.Equal(["d"], removed);
        Assert.Equal(["a", "b", "c"], state.ResourceNames.ToArray());
        Assert.True(state.ResourceNameSet.SetEquals(["a", "b", "c"]));
        Assert.Equal(3, state.ResourceNameCount);

        var unchanged = state.ResourceNames;
        Assert.Equal((0, 0), (state.ChangeResourceNames(["a"], ["z"]).Added.Count, state.ChangeResourceNames([], ["z"]).Removed.Count));
        Assert.True(unchanged == state.ResourceNames, "an unchanged subscription keeps its names array");
    }

    [Fact]
    public void Every_request_carries_the_names_of_the_subscription_as_it_is_when_it_is_built()
    {
        var state = new XdsSubscriptionState(XdsTypeUrls.ClusterLoadAssignmentV3);
        state.SetResourceNames(["b", "a"]);
        var node = new MeshClient.Xds.Protos.Core.Node { Id = "sidecar~10.0.0.1~pod.default~default.svc.cluster.local" };

        var first = state.CreateRequest(node);
        Assert.Equal(["a", "b"], first.ResourceNames);
        Assert.Equal(node, first.Node);
        Assert.Equal(XdsTypeUrls.ClusterLoadAssignmentV3, first.TypeUrl);

        var ack = state.Ack(new DiscoveryResponse { VersionInfo = "e1", Nonce = "n1" });
        Assert.Equal(["a", "b"], ack.ResourceNames);
        Assert.Null(ack.Node);
        Assert.Equal(("e1", "n1"), (ack.VersionInfo, ack.ResponseNonce));

        state.ChangeResourceNames(["c"], ["a"]);
        var resubscribe = state.CreateRequest();
        Assert.Equal(["b", "c"], resubscribe.ResourceNames);
        Assert.Equal(("e1", "n1"), (resubscribe.VersionInfo, resubscribe.ResponseNonce));

        var nack = state.Nack(new DiscoveryResponse { VersionInfo = "e2", Nonce = "n2" }, "bad");
        Assert.Equal(["b", "c"], nack.ResourceNames);
        Assert.Equal(("e1", "n2", "bad"), (nack.VersionInfo, nack.ResponseNonce, nack.ErrorDetail.Message));

        state.SetResourceNames(["d"]);
        var afterNack = state.Ack(new DiscoveryResponse { VersionInfo = "e3", Nonce = "n3" });
        Assert.Equal(["d"], afterNack.ResourceNames);
        Assert.Null(afterNack.ErrorDetail);
        Assert.Equal(("e3", "n3"), (afterNack.VersionInfo, afterNack.ResponseNonce));

        // The encoded ACK is what goes on the wire: it holds the names, once each.
        var decoded = DiscoveryRequest.Parser.ParseFrom(state.Ack(new DiscoveryResponse { VersionInfo = "e4", Nonce = "n4" }).ToByteArray());
        Assert.Equal(["d"], decoded.ResourceNames);
        Assert.Equal(("e4", "n4"), (decoded.VersionInfo, decoded.ResponseNonce));
        Assert.Null(decoded.ErrorDetail);
    }

    [Fact]
    public void A_new_stream_gets_its_own_request_so_the_last_write_of_the_old_one_never_sees_it_change()
    {
        var state = new XdsSubscriptionState(XdsTypeUrls.ClusterLoadAssignmentV3);
        state.SetResourceNames(["a", "b"]);
        var old = state.Ack(new DiscoveryResponse { VersionInfo = "e1", Nonce = "n1" });
        Assert.Same(old, state.CreateRequest());

        state.StartStream();
        state.ChangeResourceNames(["c"], ["a"]);
        var fresh = state.CreateRequest();

        Assert.NotSame(old, fresh);
        Assert.Equal(["b", "c"], fresh.ResourceNames);
        Assert.Equal(("e1", string.Empty), (fresh.VersionInfo, fresh.ResponseNonce));
        Assert.Equal(["a", "b"], old.ResourceNames);
        Assert.Equal(("e1", "n1"), (old.VersionInfo, old.ResponseNonce));
    }
}
