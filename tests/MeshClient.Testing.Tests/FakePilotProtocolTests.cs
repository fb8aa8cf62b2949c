using Google.Protobuf;
using MeshClient.Testing.Tests.Grpc;
using MeshClient.Xds.Protos.Core;
using MeshClient.Xds.Protos.Discovery;

namespace MeshClient.Testing.Tests;

/// <summary>FakePilot answers like Pilot: nonces, ACKs, NACKs, the node id check; and records what clients sent.</summary>
public sealed class FakePilotProtocolTests : FakePilotTestBase
{
    [Fact]
    public async Task A_request_with_a_stale_nonce_is_ignored()
    {
        SetReviews();
        ServeMarker();
        var (call, cds) = await OpenWithCdsAsync();
        await call.SendAsync(Requests.Ack(cds));
        await call.SendAsync(Requests.Subscribe(FakePilot.EndpointTypeUrlV3, ReviewsV1));
        var first = await call.ReadAsync();
        await call.SendAsync(Requests.Ack(first, ReviewsV1));
        await Pilot.WaitForRequestAsync(r => r.IsAck && r.ResponseNonce == first.Nonce, Timeout);
        await Pilot.PushEndpointsAsync(ReviewsV1).WaitAsync(Timeout);
        var second = await call.ReadAsync();

        // New names with the old nonce: Pilot would answer them, were the nonce current.
        await call.SendAsync(Requests.Ack(first, ReviewsV1, ReviewsV2));

        await AssertNextResponseIsTheMarkerAsync(call);
        var stale = await Pilot.WaitForRequestAsync(r => r.ResourceNames.Count == 2, Timeout);
        Assert.True(stale.IsStale);
        Assert.False(stale.IsAck);
        Assert.False(stale.IsNack);

        // The names of the stale request were not taken: an ACK of the latest response with them is answered.
        await call.SendAsync(Requests.Ack(second, ReviewsV1, ReviewsV2));
        Assert.Equal([ReviewsV1, ReviewsV2], AssignmentNames(await call.ReadAsync()));
    }

    [Fact]
    public async Task A_nack_is_not_answered_and_is_recorded_with_its_error_detail()
    {
        SetReviews();
        ServeMarker();
        var (call, cds) = await OpenWithCdsAsync();
        await call.SendAsync(Requests.Ack(cds));
        await call.SendAsync(Requests.Subscribe(FakePilot.EndpointTypeUrlV3, ReviewsV1));
        var eds = await call.ReadAsync();

        await call.SendAsync(Requests.Nack(eds, string.Empty, "ClusterLoadAssignment 'x': port 0 is out of range", ReviewsV1, ReviewsV2));

        await AssertNextResponseIsTheMarkerAsync(call);
        var nack = await Pilot.WaitForRequestAsync(r => r.IsNack, Timeout);
        Assert.Equal(new RecordedErrorDetail(3, "ClusterLoadAssignment 'x': port 0 is out of range"), nack.ErrorDetail);
        Assert.Equal(eds.Nonce, nack.ResponseNonce);
        Assert.Equal(string.Empty, nack.VersionInfo);
        Assert.False(nack.IsAck);
        Assert.Equal([ReviewsV1, ReviewsV2], nack.ResourceNames);

        // A NACK does not change the subscription: an ACK with the NACK's names is a change and is answered.
        await call.SendAsync(Requests.Ack(eds, ReviewsV1, ReviewsV2));
        Assert.Equal([ReviewsV1, ReviewsV2], AssignmentNames(await call.ReadAsync()));
    }

    [Fact]
    public async Task An_ack_is_answered_only_when_the_subscribed_names_changed()
    {
        SetReviews();
        ServeMarker();
        var (call, cds) = await OpenWithCdsAsync();
        await call.SendAsync(Requests.Ack(cds));
        await call.SendAsync(Requests.Subscribe(FakePilot.EndpointTypeUrlV3, ReviewsV1, ReviewsV2));
        var eds = await call.ReadAsync();

        await call.SendAsync(Requests.Ack(eds, ReviewsV2, ReviewsV1));
        await AssertNextResponseIsTheMarkerAsync(call);

        await call.SendAsync(Requests.Ack(eds, ReviewsV1));
        var answer = await call.ReadAsync();
        Assert.Equal([ReviewsV1], AssignmentNames(answer));
    }

    [Fact]
    public async Task Each_request_is_recorded_with_the_names_it_sent_in_its_order()
    {
        SetReviews();
        ServeMarker();
        var (call, cds) = await OpenWithCdsAsync();
        await call.SendAsync(Requests.Ack(cds));
        await call.SendAsync(Requests.Subscribe(FakePilot.EndpointTypeUrlV3, ReviewsV1, ReviewsV2));
        var eds = await call.ReadAsync();

        // The same names (the subscription's list is recorded), the same set reordered, the same again, a NACK.
        await call.SendAsync(Requests.Ack(eds, ReviewsV1, ReviewsV2));
        await call.SendAsync(Requests.Ack(eds, ReviewsV2, ReviewsV1));
        await call.SendAsync(Requests.Ack(eds, ReviewsV2, ReviewsV1));
        await call.SendAsync(Requests.Nack(eds, string.Empty, "bad", ReviewsV1));
        await AssertNextResponseIsTheMarkerAsync(call);
        await Pilot.WaitForRequestAsync(r => r.IsNack, Timeout);

        var edsRequests = Pilot.Requests.Where(r => r.TypeUrl == FakePilot.EndpointTypeUrlV3).ToList();
        Assert.Equal(
            [[ReviewsV1, ReviewsV2], [ReviewsV1, ReviewsV2], [ReviewsV2, ReviewsV1], [ReviewsV2, ReviewsV1], [ReviewsV1]],
            edsRequests.Select(r => r.ResourceNames.ToArray()));
        Assert.Equal([false, true, true, true, false], edsRequests.Select(r => r.IsAck));

        // A reordered ACK is no change (not answered), but the subscription takes its order: a push follows it.
        await Pilot.PushEndpointsAsync(ReviewsV1, ReviewsV2).WaitAsync(Timeout);
        Assert.Equal([ReviewsV1, ReviewsV2], AssignmentNames(await call.ReadAsync()));
        await Pilot.PushAsync().WaitAsync(Timeout);
        Assert.Equal(FakePilot.ClusterTypeUrlV3, (await call.ReadAsync()).TypeUrl);
        Assert.Equal([ReviewsV2, ReviewsV1], AssignmentNames(await call.ReadAsync()));
    }

    [Fact]
    public async Task Names_split_by_another_field_are_read_whole_and_a_repeat_of_them_is_an_ack()
    {
        SetReviews();
        ServeMarker();
        var (call, cds) = await OpenWithCdsAsync();
        await call.SendAsync(Requests.Ack(cds));
        await call.SendAsync(Requests.Subscribe(FakePilot.EndpointTypeUrlV3, ReviewsV1, ReviewsV2));
        var eds = await call.ReadAsync();

        // resource_names (3), then type_url (4), then resource_names again: legal protobuf, not one run of bytes.
        await call.SendRawAsync(SplitNamesAck(eds, ReviewsV2, ReviewsV1));
        await call.SendAsync(Requests.Ack(eds, ReviewsV2, ReviewsV1));
        await call.SendAsync(Requests.Ack(eds, ReviewsV1));
        Assert.Equal([ReviewsV1], AssignmentNames(await call.ReadAsync()));

        var acks = Pilot.Requests.Where(r => r.TypeUrl == FakePilot.EndpointTypeUrlV3 && r.IsAck).ToList();
        Assert.Equal([[ReviewsV2, ReviewsV1], [ReviewsV2, ReviewsV1], [ReviewsV1]], acks.Select(r => r.ResourceNames.ToArray()));
        Assert.All(acks, r => Assert.Equal(eds.Nonce, r.ResponseNonce));
    }

    [Fact]
    public async Task Requests_read_into_reused_buffers_carry_their_own_bytes_only()
    {
        // Requests are read into pooled buffers: a long one, then shorter ones that may land in the same buffer (the
        // same size class, 128 to 256 KB), must each be read as sent, never with the tail of an earlier one.
        SetReviews();
        ServeMarker();
        var (call, cds) = await OpenWithCdsAsync();
        await call.SendAsync(Requests.Ack(cds));
        string[] Names(int count, string tag) => [.. Enumerable.Range(0, count).Select(i => $"outbound|9080|{tag}|service-{i:D5}.namespace-{i % 13:D2}.svc.cluster.local")];
        var first = Names(3_000, "a");
        var second = Names(2_400, "b");
        await call.SendAsync(Requests.Subscribe(FakePilot.EndpointTypeUrlV3, first));
        var eds = await call.ReadAsync();
        await call.SendAsync(Requests.Ack(eds, second));
        eds = await call.ReadAsync();
        await call.SendAsync(Requests.Ack(eds, second));
        await call.SendAsync(Requests.Ack(eds, ReviewsV1));
        Assert.Equal([ReviewsV1], AssignmentNames(await call.ReadAsync()));

        var edsRequests = Pilot.Requests.Where(r => r.TypeUrl == FakePilot.EndpointTypeUrlV3).ToList();
        Assert.Equal([first, second, second, [ReviewsV1]], edsRequests.Select(r => r.ResourceNames.ToArray()));
        Assert.Equal([false, true, true, true], edsRequests.Select(r => r.IsAck));
    }

    /// <summary>An ACK encoded as three concatenated parts (protobuf merges them): names, type URL, names and nonce.</summary>
    private static byte[] SplitNamesAck(DiscoveryResponse response, string firstName, string secondName) =>
    [
        .. new DiscoveryRequest { VersionInfo = response.VersionInfo, ResourceNames = { firstName } }.ToByteArray(),
        .. new DiscoveryRequest { TypeUrl = response.TypeUrl }.ToByteArray(),
        .. new DiscoveryRequest { ResourceNames = { secondName }, ResponseNonce = response.Nonce }.ToByteArray(),
    ];

    [Fact]
    public async Task A_cds_ack_is_not_answered()
    {
        SetReviews();
        ServeMarker();
        var (call, cds) = await OpenWithCdsAsync();

        await call.SendAsync(Requests.Ack(cds));

        await AssertNextResponseIsTheMarkerAsync(call);
    }

    [Fact]
    public async Task An_eds_request_without_names_unsubscribes_and_pushes_skip_the_type()
    {
        SetReviews();
        ServeMarker();
        var (call, cds) = await OpenWithCdsAsync();
        await call.SendAsync(Requests.Ack(cds));
        await call.SendAsync(Requests.Subscribe(FakePilot.EndpointTypeUrlV3, ReviewsV1));
        var eds = await call.ReadAsync();
        await call.SendAsync(Requests.Ack(eds));
        await Pilot.WaitForRequestAsync(r => r.ResponseNonce == eds.Nonce, Timeout);

        SetRatings("10.2.0.1");

        Assert.Equal(FakePilot.ClusterTypeUrlV3, (await call.ReadAsync()).TypeUrl);
        await AssertNextResponseIsTheMarkerAsync(call);
        await call.SendAsync(Requests.Subscribe(FakePilot.EndpointTypeUrlV3, Ratings));
        Assert.Equal([Ratings], AssignmentNames(await call.ReadAsync()));
    }

    [Fact]
    public async Task A_request_for_an_unknown_type_is_recorded_but_not_answered_and_the_stream_goes_on()
    {
        SetReviews();
        var call = Open();
        await call.SendAsync(Requests.First("type.googleapis.com/envoy.config.listener.v3.Listener"));
        await call.SendAsync(Requests.Subscribe(FakePilot.ClusterTypeUrlV3));

        var answer = await call.ReadAsync();
        Assert.Equal(FakePilot.ClusterTypeUrlV3, answer.TypeUrl);
        Assert.Contains(Pilot.Requests, r => r.TypeUrl == "type.googleapis.com/envoy.config.listener.v3.Listener");
    }

    [Theory]
    [InlineData("")]
    [InlineData("app-1")]
    [InlineData("sidecar~10.1.0.7~app-1.default")]
    [InlineData("sidecar~10.1.0.7~app-1.default~default.svc.cluster.local~extra")]
    [InlineData("sidecar~not-an-ip~app-1.default~default.svc.cluster.local")]
    [InlineData("gateway~10.1.0.7~app-1.default~default.svc.cluster.local")]
    [InlineData("sidecar~10.1.0.7~~default.svc.cluster.local")]
    public async Task A_stream_whose_first_request_has_no_parseable_node_id_is_rejected_with_invalid_argument(string nodeId)
    {
        SetReviews();
        var call = Open();
        await call.SendAsync(Requests.First(FakePilot.ClusterTypeUrlV3, nodeId));

        var (status, message) = await call.ReadStatusAsync();

        Assert.Equal(3, status);
        Assert.Contains(nodeId.Length == 0 ? "no node id" : $"'{nodeId}'", message);
        var response = await call.GetResponseAsync();
        Assert.True(response.Headers.Contains("grpc-status"), "An immediate error is a trailers-only response.");
        Assert.Empty(Pilot.Responses);
        await Pilot.WaitForConnectionCountAsync(0, Timeout);
    }

    [Fact]
    public async Task A_first_request_without_node_is_rejected_but_later_requests_need_none()
    {
        var rejected = Open();
        await rejected.SendAsync(Requests.Subscribe(FakePilot.ClusterTypeUrlV3));
        Assert.Equal(3, (await rejected.ReadStatusAsync()).Status);

        var (accepted, cds) = await OpenWithCdsAsync();
        await accepted.SendAsync(Requests.Ack(cds));
        Assert.True((await Pilot.WaitForRequestAsync(r => r.StreamId == 2 && r.IsAck, Timeout)).NodeId is null);
    }

    [Fact]
    public async Task Records_node_type_versions_nonces_names_acks_and_nacks_per_stream()
    {
        SetReviews();
        var call = Open(FakePilot.AdsMethodV2);
        var first = Requests.First(FakePilot.ClusterTypeUrlV2);
        first.Node.Metadata = new Google.Protobuf.WellKnownTypes.Struct { Fields = { ["NAMESPACE"] = Google.Protobuf.WellKnownTypes.Value.ForString("default") } };
        await call.SendAsync(first);
        var cds = await call.ReadAsync();
        await call.SendAsync(Requests.Ack(cds));
        await call.SendAsync(Requests.Subscribe(FakePilot.EndpointTypeUrlV2, ReviewsV1, ReviewsV2));
        var eds = await call.ReadAsync();
        await call.SendAsync(Requests.Nack(eds, string.Empty, "duplicate cluster", ReviewsV1, ReviewsV2));

        await Pilot.WaitForRequestAsync(r => r.IsNack, Timeout);
        await Pilot.WaitForResponseAsync(r => r.Nonce == eds.Nonce, Timeout);
        var requests = Pilot.Requests;

        Assert.Equal([1, 2, 3, 4], requests.Select(r => r.Sequence));
        Assert.All(requests, r => Assert.Equal(1, r.StreamId));
        Assert.All(requests, r => Assert.Equal(FakePilot.AdsMethodV2, r.MethodPath));
        Assert.Equal([Requests.NodeId, null, null, null], requests.Select(r => r.NodeId));
        Assert.Equal("default", requests[0].NodeMetadata!.Fields["NAMESPACE"].StringValue);
        Assert.Equal(
            [FakePilot.ClusterTypeUrlV2, FakePilot.ClusterTypeUrlV2, FakePilot.EndpointTypeUrlV2, FakePilot.EndpointTypeUrlV2],
            requests.Select(r => r.TypeUrl));
        Assert.Equal([string.Empty, cds.VersionInfo, string.Empty, string.Empty], requests.Select(r => r.VersionInfo));
        Assert.Equal([string.Empty, cds.Nonce, string.Empty, eds.Nonce], requests.Select(r => r.ResponseNonce));
        Assert.Equal([false, true, false, false], requests.Select(r => r.IsAck));
        Assert.Equal([false, false, false, true], requests.Select(r => r.IsNack));
        Assert.Equal([ReviewsV1, ReviewsV2], requests[2].ResourceNames);
        Assert.Equal(new RecordedErrorDetail(3, "duplicate cluster"), requests[3].ErrorDetail);
        Assert.Equal([FakePilot.ClusterTypeUrlV2, FakePilot.EndpointTypeUrlV2], Pilot.Responses.Select(r => r.TypeUrl));
        Assert.Equal([cds.Nonce, eds.Nonce], Pilot.Responses.Select(r => r.Nonce));
    }

    [Fact]
    public async Task An_ack_with_the_latest_nonce_but_another_version_is_not_counted_as_an_ack()
    {
        var (call, cds) = await OpenWithCdsAsync();
        var wrongVersion = Requests.Ack(cds);
        wrongVersion.VersionInfo = "not-" + cds.VersionInfo;

        await call.SendAsync(wrongVersion);

        var recorded = await Pilot.WaitForRequestAsync(r => r.Sequence == 2, Timeout);
        Assert.False(recorded.IsAck);
        Assert.False(recorded.IsStale);
    }

    [Fact]
    public async Task WaitForRequestAsync_returns_a_request_recorded_before_the_wait()
    {
        var (call, cds) = await OpenWithCdsAsync();
        await call.SendAsync(Requests.Ack(cds));
        await Pilot.WaitForRequestAsync(r => r.IsAck, Timeout);

        var first = await Pilot.WaitForRequestAsync(r => r.NodeId is not null, Timeout);

        Assert.Equal(1, first.Sequence);
    }

    [Fact]
    public async Task WaitForRequestAsync_times_out_with_the_recorded_requests_in_the_message()
    {
        await OpenWithCdsAsync();

        var ex = await Assert.ThrowsAsync<TimeoutException>(() => Pilot.WaitForRequestAsync(r => r.IsNack, TimeSpan.FromMilliseconds(50)));

        Assert.Contains(FakePilot.ClusterTypeUrlV3, ex.Message);
        Assert.Contains(Requests.NodeId, ex.Message);
    }

    [Fact]
    public async Task An_unknown_method_is_unimplemented()
    {
        // The answer comes at once, without waiting for a request (sending one could race with it).
        var call = Open("/envoy.service.discovery.v3.AggregatedDiscoveryService/NoSuchMethod");

        var (status, message) = await call.ReadStatusAsync();

        Assert.Equal(12, status);
        Assert.Contains("unimplemented", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_that_is_not_a_discovery_request_ends_the_stream_with_internal()
    {
        var call = Open();
        await call.SendAsync(new DiscoveryRequest { TypeUrl = FakePilot.ClusterTypeUrlV3, Node = new Node { Id = Requests.NodeId } });
        Assert.Equal(FakePilot.ClusterTypeUrlV3, (await call.ReadAsync()).TypeUrl);

        // Field 2 (node) declared as a length of 10 with 1 byte following: not a valid message.
        await call.SendRawAsync([0x12, 0x0A, 0x01]);

        var (status, message) = await call.ReadStatusAsync();
        Assert.Equal(13, status);
        Assert.Contains("DiscoveryRequest", message);
    }
}
