using MeshClient.Http;
using MeshClient.Registry;

namespace MeshClient.Tests.Http;

/// <summary>The endpoint URI and Host value of a request are computed once per endpoint object and logical URI.</summary>
public sealed class EndpointRequestTargetTests
{
    [Fact]
    public void The_endpoint_uri_keeps_scheme_path_and_query_and_the_host_keeps_the_logical_authority()
    {
        var target = EndpointRequestTarget.Of(new MeshEndpoint("10.0.0.7", 9080)).For(new Uri("http://reviews:9080/reviews/1?user=anna"));

        Assert.Equal("http://10.0.0.7:9080/reviews/1?user=anna", target.Uri.AbsoluteUri);
        Assert.Equal("reviews:9080", target.Host);
    }

    [Fact]
    public void An_ipv6_endpoint_is_bracketed()
    {
        var target = EndpointRequestTarget.Of(new MeshEndpoint("fd00::7", 9080)).For(new Uri("http://reviews/reviews/1"));

        Assert.Equal("http://[fd00::7]:9080/reviews/1", target.Uri.AbsoluteUri);
        Assert.Equal("reviews", target.Host);
    }

    [Fact]
    public void The_same_logical_uri_gets_the_same_cached_uri_even_from_another_uri_object()
    {
        var endpoint = new MeshEndpoint("10.0.0.7", 9080);
        var first = EndpointRequestTarget.Of(endpoint).For(new Uri("http://reviews:9080/reviews/1"));
        var again = EndpointRequestTarget.Of(endpoint).For(new Uri("http://reviews:9080/reviews/1"));

        Assert.Same(first.Uri, again.Uri);
        Assert.Same(first.Host, again.Host);
    }

    [Fact]
    public void Another_path_or_another_endpoint_object_gets_its_own_uri()
    {
        var endpoint = new MeshEndpoint("10.0.0.7", 9080);
        var first = EndpointRequestTarget.Of(endpoint).For(new Uri("http://reviews:9080/reviews/1"));

        var otherPath = EndpointRequestTarget.Of(endpoint).For(new Uri("http://reviews:9080/reviews/2"));
        Assert.Equal("http://10.0.0.7:9080/reviews/2", otherPath.Uri.AbsoluteUri);

        // A new snapshot brings new endpoint objects: the cache goes with the old ones.
        var moved = EndpointRequestTarget.Of(new MeshEndpoint("10.0.0.8", 9080)).For(new Uri("http://reviews:9080/reviews/1"));
        Assert.Equal("http://10.0.0.8:9080/reviews/1", moved.Uri.AbsoluteUri);
        Assert.NotSame(EndpointRequestTarget.Of(endpoint), EndpointRequestTarget.Of(new MeshEndpoint("10.0.0.7", 9080)));
        Assert.Equal(first.Uri, EndpointRequestTarget.Of(new MeshEndpoint("10.0.0.7", 9080)).For(new Uri("http://reviews:9080/reviews/1")).Uri);
    }

    [Fact]
    public void Endpoints_that_share_a_recent_slot_each_keep_their_own_target()
    {
        // More endpoints than the recent-endpoints array has slots: some share a slot and push each other out, and
        // every lookup still answers the endpoint's own target (the same object each time).
        var endpoints = Enumerable.Range(1, EndpointRequestTarget.RecentSlots * 4).Select(i => new MeshEndpoint($"10.0.{i / 250}.{i % 250}", 9080)).ToArray();
        var first = endpoints.Select(EndpointRequestTarget.Of).ToArray();

        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < endpoints.Length; i++)
            {
                var target = EndpointRequestTarget.Of(endpoints[i]);
                Assert.Same(first[i], target);
                Assert.Equal($"http://10.0.{(i + 1) / 250}.{(i + 1) % 250}:9080/x", target.For(new Uri("http://reviews:9080/x")).Uri.AbsoluteUri);
            }
        }
    }

    [Fact]
    public void Looking_up_known_targets_allocates_nothing_even_when_slots_are_shared()
    {
        // A service of more endpoints than slots, picked in turn: lookups miss the recent array often, and a miss must
        // not allocate per call (the slot takes the target itself).
        var endpoints = Enumerable.Range(1, EndpointRequestTarget.RecentSlots * 4).Select(i => new MeshEndpoint($"10.1.{i / 250}.{i % 250}", 9080)).ToArray();
        foreach (var endpoint in endpoints)
        {
            EndpointRequestTarget.Of(endpoint);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var round = 0; round < 3; round++)
        {
            foreach (var endpoint in endpoints)
            {
                EndpointRequestTarget.Of(endpoint);
            }
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
