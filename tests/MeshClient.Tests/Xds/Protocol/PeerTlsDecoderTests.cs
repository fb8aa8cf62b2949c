using System.Collections.Immutable;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using MeshClient.Registry;
using MeshClient.Xds.Protocol;
using MeshClient.Xds.Protos.Core;
using MeshClient.Xds.Protos.Matcher;
using MeshClient.Xds.Protos.Tls;
using static MeshClient.Tests.Xds.Protocol.XdsFixtures;
using Cluster = MeshClient.Xds.Protos.Cluster.Cluster;
using XdsSanMatcher = MeshClient.Xds.Protos.Tls.SubjectAltNameMatcher;

namespace MeshClient.Tests.Xds.Protocol;

/// <summary>The peer TLS settings (ISTIO_MUTUAL) read from CDS and the endpoints' tlsMode mark read from EDS.</summary>
public sealed class PeerTlsDecoderTests
{
    private const string ReviewsSa = "spiffe://cluster.local/ns/default/sa/reviews";
    private const string Sni = "outbound_.9080_._.reviews.default.svc.cluster.local";

    [Fact]
    public void Istios_tls_mode_match_gives_the_sni_alpn_and_typed_spiffe_matchers_for_marked_endpoints()
    {
        var cluster = IstioCluster(Reviews, Sni, sans: [ReviewsSa, "spiffe://cluster.local/ns/default/sa/reviews-v2"]);

        var tls = PeerTlsDecoder.Read(cluster)!;

        Assert.Equal("outbound_.9080_._.reviews.default.svc.cluster.local", tls.Sni);
        Assert.Equal(["istio-peer-exchange", "istio"], tls.AlpnProtocols.ToArray());
        Assert.Equal(
            [new(SubjectAltNameType.Uri, StringMatchKind.Exact, ReviewsSa), new(SubjectAltNameType.Uri, StringMatchKind.Exact, "spiffe://cluster.local/ns/default/sa/reviews-v2")],
            tls.SubjectAltNameMatchers.ToArray());
        Assert.False(tls.AllEndpoints);
        Assert.True(tls.AppliesTo(new MeshEndpoint("10.0.0.1", 9080) { IstioTlsMode = true }));
        Assert.False(tls.AppliesTo(new MeshEndpoint("10.0.0.2", 9080)));
    }

    [Fact]
    public void Untyped_matchers_and_a_v2_context_decode_the_same_way_and_match_any_san_kind()
    {
        var cluster = IstioCluster(ReviewsV1, "outbound_.9080_.v1_.reviews.default.svc.cluster.local", v2: true, untyped: true, sans: [ReviewsSa]);

        var tls = PeerTlsDecoder.Read(cluster)!;

        Assert.Equal("outbound_.9080_.v1_.reviews.default.svc.cluster.local", tls.Sni);
        var matcher = Assert.Single(tls.SubjectAltNameMatchers);
        Assert.Equal(SubjectAltNameType.Any, matcher.Type);
        Assert.True(matcher.Matches(SubjectAltNameType.Uri, ReviewsSa));
        Assert.False(matcher.Matches(SubjectAltNameType.Uri, ReviewsSa + "-admin"));
    }

    [Fact]
    public void A_plain_transport_socket_applies_to_every_endpoint()
    {
        var cluster = IstioCluster(Reviews, "reviews.example", plainSocket: true, sans: [ReviewsSa]);

        var tls = PeerTlsDecoder.Read(cluster)!;

        Assert.True(tls.AllEndpoints);
        Assert.Equal("reviews.example", tls.Sni);
        Assert.True(tls.AppliesTo(new MeshEndpoint("10.0.0.2", 9080)));
    }

    [Fact]
    public void No_tls_socket_or_only_raw_buffer_is_plaintext_and_an_empty_context_checks_the_chain_only()
    {
        Assert.Null(PeerTlsDecoder.Read(EdsCluster(Reviews)));

        var rawOnly = EdsCluster(Reviews);
        rawOnly.TransportSocketMatches.Add(new Cluster.Types.TransportSocketMatch
        {
            Name = "tlsMode-disabled",
            Match = new Struct(),
            TransportSocket = new TransportSocket { Name = "envoy.transport_sockets.raw_buffer", TypedConfig = new Any { TypeUrl = "type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer" } },
        });
        Assert.Null(PeerTlsDecoder.Read(rawOnly));

        var empty = PeerTlsDecoder.Read(IstioCluster(Reviews, null, sans: []))!;
        Assert.Equal(string.Empty, empty.Sni);
        Assert.Empty(empty.AlpnProtocols);
        Assert.Empty(empty.SubjectAltNameMatchers);
    }

    [Theory]
    [InlineData("undecodable", "cluster \"outbound|9080||reviews.default.svc.cluster.local\": transport_socket_matches[0] \"tlsMode-istio\": the UpstreamTlsContext does not decode:")]
    [InlineData("no context", "transport_socket_matches[0] \"tlsMode-istio\": the TLS transport socket carries no UpstreamTlsContext (typed_config is 'type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer')")]
    [InlineData("other name", "transport_socket_matches[0] \"tlsMode-istio\": UpstreamTlsContext: common_tls_context.combined_validation_context.default_validation_context.match_typed_subject_alt_names[0]: san_type OTHER_NAME is not supported (EMAIL, DNS, URI and IP_ADDRESS are)")]
    [InlineData("unspecified type", "match_typed_subject_alt_names[0]: san_type SAN_TYPE_UNSPECIFIED is not supported")]
    [InlineData("no matcher", "match_typed_subject_alt_names[0]: matcher is missing")]
    [InlineData("no pattern", "default_validation_context.match_subject_alt_names[0]: no pattern the client supports (exact, prefix, suffix, contains or safe_regex)")]
    [InlineData("empty pattern", "default_validation_context.match_subject_alt_names[0]: the prefix pattern is empty")]
    [InlineData("bad regex", "default_validation_context.match_subject_alt_names[0]: the safe_regex 'spiffe://(' is not a valid regular expression:")]
    [InlineData("empty alpn", "UpstreamTlsContext: common_tls_context.alpn_protocols[1] is empty or longer than 255 characters")]
    [InlineData("bad sni", "UpstreamTlsContext: sni is not a host name (printable ASCII without spaces, at most 255 characters)")]
    public void A_malformed_context_is_an_error_naming_the_field(string problem, string expected)
    {
        var cluster = ClusterWith(problem);

        var error = Assert.Throws<XdsResourceException>(() => PeerTlsDecoder.Read(cluster));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cluster_with_a_bad_tls_context_is_rejected_by_name_and_the_others_are_applied_with_their_tls()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        var good = IstioCluster(Reviews, Sni, sans: [ReviewsSa]);
        var bad = ClusterWith("bad regex");
        bad.Name = Ratings;

        var requests = await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "1", "n1", good, bad));

        var nack = Assert.Single(requests, r => r.TypeUrl == ads.ClusterType);
        Assert.StartsWith($"cluster \"{Ratings}\": transport_socket_matches[0] \"tlsMode-istio\": UpstreamTlsContext: ", nack.ErrorDetail.Message, StringComparison.Ordinal);
        Assert.Equal([Reviews], ads.Registry.Current.Clusters.Keys);
        Assert.Equal(PeerTlsDecoder.Read(good), ads.Registry.Current.Clusters[Reviews].PeerTls);
    }

    [Fact]
    public async Task Eds_marks_endpoints_whose_transport_socket_match_metadata_says_tls_mode_istio()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "1", "n1", IstioCluster(Reviews, Sni, sans: [ReviewsSa])));

        var assignment = Assignment(Reviews, Marked("10.1.0.1", "istio"), Endpoint("10.1.0.2", 9080), Marked("10.1.0.3", "disabled"));
        await ads.SendAsync(call, Response(ads.EndpointType, "e1", "n2", assignment));

        var cluster = ads.Registry.Current.Clusters[Reviews];
        Assert.Equal([true, false, false], cluster.Endpoints.Select(e => e.IstioTlsMode));
        Assert.NotNull(cluster.PeerTls);
        Assert.Equal([true, false, false], cluster.Endpoints.Select(cluster.PeerTls!.AppliesTo));
    }

    [Fact]
    public void Clusters_of_one_response_with_equal_tls_settings_share_one_settings_object()
    {
        var response = Response(XdsTypeUrls.ClusterV3, "1", "n1",
            IstioCluster(Reviews, Sni, sans: [ReviewsSa]),
            IstioCluster("outbound|9080||reviews.default.svc", Sni, sans: [ReviewsSa]),
            IstioCluster(ReviewsV1, Sni, sans: [ReviewsSa + "-v1"]),
            EdsCluster("outbound|9080||plain.default.svc.cluster.local"));

        var clusters = ClusterResourceDecoder.Decode(response, new MeshClient.Xds.XdsResourceLimits(), new XdsResourceErrors(), new HashSet<string>());

        Assert.Equal(4, clusters.Count);
        Assert.Same(clusters[0].PeerTls, clusters[1].PeerTls);
        Assert.Equal(ReviewsSa, clusters[1].PeerTls!.SubjectAltNameMatchers[0].Pattern);
        Assert.NotSame(clusters[0].PeerTls, clusters[2].PeerTls);
        Assert.Equal(ReviewsSa + "-v1", clusters[2].PeerTls!.SubjectAltNameMatchers[0].Pattern);
        Assert.Null(clusters[3].PeerTls);
    }

    [Fact]
    public void A_changed_tls_context_or_mark_is_a_change_of_the_cluster()
    {
        var endpoint = new MeshEndpoint("10.1.0.1", 9080) { IstioTlsMode = true };
        var a = new MeshCluster(Reviews, [endpoint]) { PeerTls = PeerTlsDecoder.Read(IstioCluster(Reviews, Sni, sans: [ReviewsSa])) };
        var same = new MeshCluster(Reviews, [new MeshEndpoint("10.1.0.1", 9080) { IstioTlsMode = true }]) { PeerTls = PeerTlsDecoder.Read(IstioCluster(Reviews, Sni, sans: [ReviewsSa])) };
        var otherSan = a.WithEndpoints([endpoint]) is var copy && ClusterContent.Equal(a, copy)
            ? new MeshCluster(Reviews, [endpoint]) { PeerTls = PeerTlsDecoder.Read(IstioCluster(Reviews, Sni, sans: [ReviewsSa + "-x"])) }
            : throw new InvalidOperationException("WithEndpoints lost the TLS settings");
        var unmarked = new MeshCluster(Reviews, [endpoint.WithLabels(new Dictionary<string, string> { ["a"] = "b" }) is { IstioTlsMode: true } ? new MeshEndpoint("10.1.0.1", 9080) : throw new InvalidOperationException("WithLabels lost the mark")]) { PeerTls = a.PeerTls };

        Assert.True(ClusterContent.Equal(a, same));
        Assert.False(ClusterContent.Equal(a, otherSan));
        Assert.False(ClusterContent.Equal(a, unmarked));
        Assert.False(ClusterContent.Equal(a, new MeshCluster(Reviews, [endpoint])));
    }

    private static Cluster ClusterWith(string problem)
    {
        var cluster = IstioCluster(Reviews, Sni, sans: [ReviewsSa]);
        var socket = cluster.TransportSocketMatches[0].TransportSocket;
        var context = UpstreamTlsContext.Parser.ParseFrom(socket.TypedConfig.Value);
        var validation = context.CommonTlsContext.CombinedValidationContext.DefaultValidationContext;
        switch (problem)
        {
            case "undecodable":
                socket.TypedConfig = new Any { TypeUrl = PeerTlsDecoder.UpstreamTlsContextV3, Value = ByteString.CopyFrom(0x0A, 0x20, 0x41) };
                return cluster;
            case "no context":
                socket.TypedConfig = new Any { TypeUrl = "type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer" };
                return cluster;
            case "other name":
                validation.MatchTypedSubjectAltNames[0].SanType = XdsSanMatcher.Types.SanType.OtherName;
                break;
            case "unspecified type":
                validation.MatchTypedSubjectAltNames[0].SanType = XdsSanMatcher.Types.SanType.Unspecified;
                break;
            case "no matcher":
                validation.MatchTypedSubjectAltNames[0].Matcher = null;
                break;
            case "no pattern":
                validation.MatchSubjectAltNames.Add(new StringMatcher { IgnoreCase = true });
                break;
            case "empty pattern":
                validation.MatchSubjectAltNames.Add(new StringMatcher { Prefix = string.Empty });
                break;
            case "bad regex":
                validation.MatchSubjectAltNames.Add(new StringMatcher { SafeRegex = new RegexMatcher { Regex = "spiffe://(" } });
                break;
            case "empty alpn":
                context.CommonTlsContext.AlpnProtocols[1] = string.Empty;
                break;
            case "bad sni":
                context.Sni = "outbound reviews";
                break;
        }

        socket.TypedConfig = Pack(context, PeerTlsDecoder.UpstreamTlsContextV3);
        return cluster;
    }

    private static Any Pack(IMessage message, string typeUrl) => new() { TypeUrl = typeUrl, Value = message.ToByteString() };

    private static MeshClient.Xds.Protos.Endpoint.LbEndpoint Marked(string address, string tlsMode)
    {
        var endpoint = Endpoint(address, 9080);
        var match = new Struct();
        match.Fields["tlsMode"] = Value.ForString(tlsMode);
        endpoint.Metadata = new Metadata { FilterMetadata = { ["envoy.transport_socket_match"] = match } };
        return endpoint;
    }

    /// <summary>
    /// An EDS cluster as istiod builds it for ISTIO_MUTUAL (pilot/pkg/networking/core/cluster_tls.go): the
    /// UpstreamTlsContext (SDS secrets default and ROOTCA, the SAN matchers in combined_validation_context) in the
    /// transport_socket_matches entry for tlsMode istio, then raw_buffer for the rest; or in the plain transport_socket.
    /// A <see langword="null"/> SNI sends an empty context.
    /// </summary>
    private static Cluster IstioCluster(string name, string? sni, bool v2 = false, bool untyped = false, bool plainSocket = false, params string[] sans)
    {
        var typeUrl = v2 ? PeerTlsDecoder.UpstreamTlsContextV2 : PeerTlsDecoder.UpstreamTlsContextV3;
        Any config;
        if (sni is null)
        {
            config = new Any { TypeUrl = typeUrl };
        }
        else
        {
            var validation = new CertificateValidationContext();
            foreach (var san in sans)
            {
                if (untyped)
                {
                    validation.MatchSubjectAltNames.Add(new StringMatcher { Exact = san });
                }
                else
                {
                    validation.MatchTypedSubjectAltNames.Add(new XdsSanMatcher { SanType = XdsSanMatcher.Types.SanType.Uri, Matcher = new StringMatcher { Exact = san } });
                }
            }

            var context = new UpstreamTlsContext
            {
                Sni = sni,
                CommonTlsContext = new CommonTlsContext
                {
                    AlpnProtocols = { "istio-peer-exchange", "istio" },
                    TlsCertificateSdsSecretConfigs = { new SdsSecretConfig { Name = "default" } },
                    CombinedValidationContext = new CommonTlsContext.Types.CombinedCertificateValidationContext
                    {
                        DefaultValidationContext = validation,
                        ValidationContextSdsSecretConfig = new SdsSecretConfig { Name = "ROOTCA" },
                    },
                },
            };
            config = Pack(context, typeUrl);
        }

        var cluster = EdsCluster(name);
        var socket = new TransportSocket { Name = "envoy.transport_sockets.tls", TypedConfig = config };
        if (plainSocket)
        {
            cluster.TransportSocket = socket;
            return cluster;
        }

        var istio = new Struct();
        istio.Fields["tlsMode"] = Value.ForString("istio");
        cluster.TransportSocketMatches.Add(new Cluster.Types.TransportSocketMatch { Name = "tlsMode-istio", Match = istio, TransportSocket = socket });
        cluster.TransportSocketMatches.Add(new Cluster.Types.TransportSocketMatch
        {
            Name = "tlsMode-disabled",
            Match = new Struct(),
            TransportSocket = new TransportSocket { Name = "envoy.transport_sockets.raw_buffer", TypedConfig = new Any { TypeUrl = "type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer" } },
        });
        return cluster;
    }
}
