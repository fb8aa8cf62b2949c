using MeshClient.Registry;
using MeshClient.Testing;

namespace MeshClient.EndToEnd.Tests.Xds;

/// <summary>The services the end-to-end tests serve from the fake Pilot: a slice of Istio's bookinfo sample.</summary>
internal static class Bookinfo
{
    public const string ReviewsHost = "reviews.bookinfo.svc.cluster.local";
    public const string RatingsHost = "ratings.bookinfo.svc.cluster.local";
    public const string ReviewsAll = "outbound|9080||reviews.bookinfo.svc.cluster.local";
    public const string ReviewsV1 = "outbound|9080|v1|reviews.bookinfo.svc.cluster.local";
    public const string ReviewsV2 = "outbound|9080|v2|reviews.bookinfo.svc.cluster.local";
    public const string ReviewsV3 = "outbound|9080|v3|reviews.bookinfo.svc.cluster.local";
    public const string RatingsAll = "outbound|9080||ratings.bookinfo.svc.cluster.local";

    public static readonly EndpointLocality ZoneA = new("eu-west1", "eu-west1-a", "rack-1");
    public static readonly EndpointLocality ZoneB = new("eu-west1", "eu-west1-b", string.Empty);

    public static FakeEndpoint ReviewsV1Pod { get; } = new("10.44.1.11", 9080)
    {
        Labels = new Dictionary<string, string> { ["app"] = "reviews", ["version"] = "v1" },
        Locality = ZoneA,
    };

    public static FakeEndpoint ReviewsV2Pod { get; } = new("10.44.1.12", 9080)
    {
        Labels = new Dictionary<string, string> { ["app"] = "reviews", ["version"] = "v2" },
        Weight = 3,
        Locality = ZoneB,
        Priority = 1,
    };

    public static FakeEndpoint ReviewsV3Pod { get; } = new("10.44.1.13", 9080)
    {
        Labels = new Dictionary<string, string> { ["app"] = "reviews", ["version"] = "v3" },
        Health = EndpointHealth.Draining,
        Locality = ZoneB,
    };

    public static FakeEndpoint[] ReviewsPods { get; } = [ReviewsV1Pod, ReviewsV2Pod, ReviewsV3Pod];

    public static FakeSubset V1 { get; } = Subset("v1");

    public static FakeSubset V2 { get; } = Subset("v2");

    public static FakeSubset V3 { get; } = Subset("v3");

    public static FakeEndpoint[] RatingsPods { get; } =
    [
        new("10.44.2.21", 9080) { Labels = new Dictionary<string, string> { ["app"] = "ratings", ["version"] = "v1" } },
        new("10.44.2.22", 9080) { Labels = new Dictionary<string, string> { ["app"] = "ratings", ["version"] = "v1" }, Health = EndpointHealth.Unhealthy },
    ];

    /// <summary>Serves reviews (all endpoints, subsets v1 and v2) and ratings.</summary>
    public static void Serve(FakePilot pilot)
    {
        pilot.SetService(ReviewsHost, 9080, ReviewsPods, [V1, V2]);
        pilot.SetService(RatingsHost, 9080, RatingsPods, loadBalancerPolicy: ClusterLoadBalancerPolicy.LeastRequest);
    }

    /// <summary>The subset of the pods whose label version is <paramref name="version"/>.</summary>
    public static FakeSubset Subset(string version) => new(version, new Dictionary<string, string> { ["version"] = version });
}
