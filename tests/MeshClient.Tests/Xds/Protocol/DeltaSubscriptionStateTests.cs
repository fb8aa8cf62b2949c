using MeshClient.Xds.Protocol;
using MeshClient.Xds.Protos.Core;
using MeshClient.Xds.Protos.Discovery;

namespace MeshClient.Tests.Xds.Protocol;

public sealed class DeltaSubscriptionStateTests
{
    private const string Cds = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
    private const string Eds = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";

    [Fact]
    public void A_wildcard_starts_with_star_the_node_and_every_version_held()
    {
        var state = new DeltaSubscriptionState(Cds, wildcard: true);
        state.SetVersion("a", "1");
        state.SetVersion("b", "2");
        var node = new Node { Id = "sidecar~1.2.3.4~p.ns~ns.svc.cluster.local" };

        var request = state.CreateInitialRequest(["ignored"], node);

        Assert.Equal(Cds, request.TypeUrl);
        Assert.Equal(["*"], request.ResourceNamesSubscribe);
        Assert.Same(node, request.Node);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, request.InitialResourceVersions);
        Assert.Empty(request.ResponseNonce);
    }

    [Fact]
    public void A_named_subscription_declares_the_versions_of_its_names_only()
    {
        var state = new DeltaSubscriptionState(Eds, wildcard: false);
        state.SetVersion("a", "1");
        state.SetVersion("gone", "9");

        var request = state.CreateInitialRequest(["a", "b"]);

        Assert.Equal(["a", "b"], request.ResourceNamesSubscribe);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1" }, request.InitialResourceVersions);
        Assert.Null(request.Node);
    }

    [Fact]
    public void Acks_and_nacks_carry_the_response_nonce_and_a_nack_its_error_detail()
    {
        var state = new DeltaSubscriptionState(Eds, wildcard: false);
        var response = new DeltaDiscoveryResponse { TypeUrl = Eds, Nonce = "n7", SystemVersionInfo = "7" };
        state.OnResponse(response);
        Assert.Equal("n7", state.Nonce);

        var ack = state.Ack(response);
        var nack = state.Nack(response, "cluster_load_assignment \"x\": bad port");

        Assert.Equal("n7", ack.ResponseNonce);
        Assert.Null(ack.ErrorDetail);
        Assert.Empty(ack.ResourceNamesSubscribe);
        Assert.Equal("n7", nack.ResponseNonce);
        Assert.Equal(3, nack.ErrorDetail.Code);
        Assert.Equal("cluster_load_assignment \"x\": bad port", nack.ErrorDetail.Message);
        state.StartStream();
        Assert.Empty(state.Nonce);
    }

    [Fact]
    public void A_subscription_change_has_no_nonce_and_forgets_the_versions_unsubscribed()
    {
        var state = new DeltaSubscriptionState(Eds, wildcard: false);
        state.OnResponse(new DeltaDiscoveryResponse { Nonce = "n1" });
        state.SetVersion("a", "1");
        state.SetVersion("b", "1");

        var change = state.CreateSubscriptionChange(["c"], ["a"]);

        Assert.Equal(["c"], change.ResourceNamesSubscribe);
        Assert.Equal(["a"], change.ResourceNamesUnsubscribe);
        Assert.Empty(change.ResponseNonce);
        Assert.Equal(["b"], state.Versions.Keys);
        state.RemoveVersion("b");
        Assert.Empty(state.Versions);
    }
}
