using MeshClient.Testing.Tests.Grpc;
using MeshClient.Xds.Protos.Tls;
using XdsSanMatcher = MeshClient.Xds.Protos.Tls.SubjectAltNameMatcher;

namespace MeshClient.Testing.Tests;

/// <summary>FakePilot's Istio mutual TLS: UpstreamTlsContexts in the clusters and the tlsMode mark on endpoints.</summary>
public sealed class FakePilotPeerTlsTests : FakePilotTestBase
{
    private const string ReviewsSa = "spiffe://cluster.local/ns/default/sa/reviews";

    [Fact]
    public async Task Peer_tls_goes_in_every_cluster_of_the_service_as_istiod_builds_it_and_survives_set_service()
    {
        Pilot.SetPeerTls(Reviews, 9080, new FakePeerTls(ReviewsSa));
        SetReviews();
        SetRatings("10.2.0.1");

        var (_, cds) = await OpenWithCdsAsync();

        var subset = Clusters(cds).Single(c => c.Name == ReviewsV1);
        var match = subset.TransportSocketMatches[0];
        Assert.Equal("istio", match.Match.Fields["tlsMode"].StringValue);
        Assert.Equal("envoy.transport_sockets.tls", match.TransportSocket.Name);
        var context = UpstreamTlsContext.Parser.ParseFrom(match.TransportSocket.TypedConfig.Value);
        Assert.Equal("outbound_.9080_.v1_.reviews.default.svc.cluster.local", context.Sni);
        Assert.Equal(["istio-peer-exchange", "istio"], context.CommonTlsContext.AlpnProtocols);
        Assert.Equal("default", context.CommonTlsContext.TlsCertificateSdsSecretConfigs.Single().Name);
        var combined = context.CommonTlsContext.CombinedValidationContext;
        Assert.Equal("ROOTCA", combined.ValidationContextSdsSecretConfig.Name);
        var san = combined.DefaultValidationContext.MatchTypedSubjectAltNames.Single();
        Assert.Equal(XdsSanMatcher.Types.SanType.Uri, san.SanType);
        Assert.Equal(ReviewsSa, san.Matcher.Exact);
        Assert.Equal("raw_buffer", subset.TransportSocketMatches[1].TransportSocket.Name.Split('.')[^1]);
        Assert.True(Clusters(cds).Single(c => c.Name == Ratings).TransportSocketMatches[0].TransportSocket.TypedConfig.Value.IsEmpty);
    }

    [Fact]
    public async Task All_endpoints_tls_goes_in_the_plain_transport_socket_and_untyped_names_in_match_subject_alt_names()
    {
        Pilot.SetPeerTls(Reviews, 9080, new FakePeerTls(ReviewsSa) { AllEndpoints = true, Untyped = true, Sni = "reviews.example", AlpnProtocols = ["h2"] });
        SetReviews();

        var (_, cds) = await OpenWithCdsAsync();

        var all = Clusters(cds).Single(c => c.Name == ReviewsAll);
        Assert.Empty(all.TransportSocketMatches);
        var context = UpstreamTlsContext.Parser.ParseFrom(all.TransportSocket.TypedConfig.Value);
        Assert.Equal("reviews.example", context.Sni);
        Assert.Equal(["h2"], context.CommonTlsContext.AlpnProtocols);
        Assert.Equal(ReviewsSa, context.CommonTlsContext.CombinedValidationContext.DefaultValidationContext.MatchSubjectAltNames.Single().Exact);
    }

    [Fact]
    public async Task Endpoints_carry_their_tls_mode_and_a_pod_without_a_sidecar_carries_none()
    {
        Pilot.SetService(Reviews, 9080, [new FakeEndpoint("10.1.0.1", 9080), new FakeEndpoint("10.1.0.2", 9080) { TlsMode = null }]);
        var (call, cds) = await OpenWithCdsAsync();
        await call.SendAsync(Requests.Ack(cds));

        await call.SendAsync(Requests.Subscribe(FakePilot.EndpointTypeUrlV3, ReviewsAll));
        var eds = await call.ReadAsync();

        var endpoints = Assignments(eds).Single().Endpoints.Single().LbEndpoints;
        Assert.Equal("istio", endpoints[0].Metadata.FilterMetadata["envoy.transport_socket_match"].Fields["tlsMode"].StringValue);
        Assert.False(endpoints[1].Metadata.FilterMetadata.ContainsKey("envoy.transport_socket_match"));
    }
}
