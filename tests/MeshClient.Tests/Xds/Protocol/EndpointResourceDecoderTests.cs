using Google.Protobuf;
using MeshClient.Xds;
using MeshClient.Xds.Protocol;
using static MeshClient.Tests.Xds.Protocol.XdsFixtures;

namespace MeshClient.Tests.Xds.Protocol;

/// <summary>What an EDS response's decoding keeps: the names as subscribed, not a copy of each per push.</summary>
public sealed class EndpointResourceDecoderTests
{
    [Fact]
    public void A_decoded_assignment_carries_the_subscribed_name_string_on_the_fast_and_the_generated_path()
    {
        var subscribed = new string("outbound|9080||reviews.default.svc.cluster.local".AsSpan());
        var other = new string("outbound|9080||ratings.default.svc.cluster.local".AsSpan());
        var fast = Assignment(subscribed, Endpoint("10.0.0.1", 9080));
        var slow = Assignment(other, Endpoint("10.0.0.2", 9080));
        var response = Response(XdsTypeUrls.ClusterLoadAssignmentV3, "1", "n1", fast, slow);

        // An unknown field 9 (varint 1): the generated parser keeps and ignores it, the fast reader leaves it to that path.
        response.Resources[1].Value = Google.Protobuf.ByteString.CopyFrom([.. slow.ToByteArray(), 9 << 3, 1]);

        var decoded = EndpointResourceDecoder.Decode(response, new HashSet<string>(StringComparer.Ordinal) { subscribed, other }, new XdsResourceLimits(), new XdsResourceErrors(), new HashSet<string>(), out var ignored);

        Assert.Equal(0, ignored);
        Assert.Equal(2, decoded.Count);
        Assert.Same(subscribed, decoded[0].ServiceName);
        Assert.Same(other, decoded[1].ServiceName);
        Assert.Equal("10.0.0.2", decoded[1].Endpoints[0].Address);
    }
}
