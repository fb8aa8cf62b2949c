using static MeshClient.Tests.Xds.Protocol.XdsFixtures;

namespace MeshClient.Tests.Xds.Protocol;

/// <summary>
/// The EDS names every state-of-the-world request carries: the client keeps one request per type whose names change
/// only with the subscription, so each ACK and NACK must carry the subscription as it is when it is sent.
/// </summary>
public sealed class AdsClientSubscriptionTests
{
    private const string Details = "outbound|9080||details.default.svc.cluster.local";

    [Fact]
    public async Task Each_eds_ack_and_nack_carries_the_names_subscribed_when_it_is_sent()
    {
        await using var ads = new AdsHarness().Start();
        var (call, _) = await ads.NextStreamAsync();
        await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "1", "c1", EdsCluster(Reviews), EdsCluster(Ratings)));

        var first = await ads.SendAsync(call, Response(ads.EndpointType, "e1", "n1", Assignment(Reviews, Endpoint("10.1.0.1", 9080))));
        Assert.Equal([Ratings, Reviews], first.ResourceNames);
        Assert.Equal("e1", first.VersionInfo);

        // A cluster added: the EDS request and every ACK after it name it.
        var added = await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "2", "c2", EdsCluster(Reviews), EdsCluster(Ratings), EdsCluster(Details)));
        Assert.Equal([Details, Ratings, Reviews], added[0].ResourceNames);
        Assert.Equal(("e1", "n1"), (added[0].VersionInfo, added[0].ResponseNonce));
        Assert.Empty(added[^1].ResourceNames); // the CDS ACK: a wildcard
        var second = await ads.SendAsync(call, Response(ads.EndpointType, "e2", "n2", Assignment(Details, Endpoint("10.3.0.1", 9080))));
        Assert.Equal([Details, Ratings, Reviews], second.ResourceNames);
        Assert.Equal(("e2", "n2"), (second.VersionInfo, second.ResponseNonce));
        Assert.Null(second.ErrorDetail);

        // A NACK carries them too, with the last good version; the ACK after it has no error.
        var nack = await ads.SendAsync(call, Response(ads.EndpointType, "e3", "n3", Assignment(Details, Endpoint("10.3.0.1", 0))));
        Assert.Equal([Details, Ratings, Reviews], nack.ResourceNames);
        Assert.Equal(("e2", "n3"), (nack.VersionInfo, nack.ResponseNonce));
        Assert.NotNull(nack.ErrorDetail);

        // Clusters removed: the names go from the request and from every ACK after it.
        var removed = await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "3", "c3", EdsCluster(Details)));
        Assert.Equal([Details], removed[0].ResourceNames);
        Assert.Null(removed[0].ErrorDetail);
        var third = await ads.SendAsync(call, Response(ads.EndpointType, "e4", "n4", Assignment(Details, Endpoint("10.3.0.2", 9080))));
        Assert.Equal([Details], third.ResourceNames);
        Assert.Equal(("e4", "n4"), (third.VersionInfo, third.ResponseNonce));
        Assert.Null(third.ErrorDetail);
        Assert.Equal("10.3.0.2", Assert.Single(ads.Registry.Current.Clusters[Details].Endpoints).Address);
    }

    [Fact]
    public async Task A_reconnect_sends_the_names_of_the_subscription_with_the_node_only_on_the_first_request()
    {
        await using var ads = new AdsHarness().Start();
        var (call, first) = await ads.NextStreamAsync();
        Assert.NotNull(first.Node);
        await ads.SendAndCollectAsync(call, Response(ads.ClusterType, "1", "c1", EdsCluster(Reviews), EdsCluster(Ratings)));
        await ads.SendAsync(call, Response(ads.EndpointType, "e1", "n1", Assignment(Reviews, Endpoint("10.1.0.1", 9080)), Assignment(Ratings, Endpoint("10.2.0.1", 9080))));

        call.Fail(AdsHarness.Unavailable());
        var (next, cds, _) = await ads.ReconnectAsync();
        var eds = await next.NextRequestAsync();

        Assert.NotNull(cds.Node);
        Assert.Equal(("1", string.Empty), (cds.VersionInfo, cds.ResponseNonce));
        Assert.Null(eds.Node);
        Assert.Equal([Ratings, Reviews], eds.ResourceNames);
        Assert.Equal(("e1", string.Empty), (eds.VersionInfo, eds.ResponseNonce));
        var ack = await ads.SendAsync(next, Response(ads.EndpointType, "e2", "m1", Assignment(Reviews, Endpoint("10.1.0.9", 9080))));
        Assert.Null(ack.Node);
        Assert.Equal([Ratings, Reviews], ack.ResourceNames);
    }
}
