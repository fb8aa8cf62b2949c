using System.Collections.Immutable;
using System.Globalization;
using Google.Protobuf;
using MeshClient.Registry;
using MeshClient.Testing;
using MeshClient.Testing.Resources;
using MeshClient.Xds.Protos.Discovery;

namespace MeshClient.Benchmarks.Scale;

/// <summary>
/// A generated mesh as istiod serves it to a sidecar: services <c>svcN.nsM.svc.cluster.local:8080</c> of 10 pods each,
/// one EDS cluster per service (Istio-shaped: circuit breakers, transport socket matches, metadata), pods with the
/// labels Istio puts on endpoints (app, version, pod-template-hash, security.istio.io/tlsMode) in three zones.
/// </summary>
internal static class ScaleMesh
{
    public const int EndpointsPerService = 10;
    public const int Port = 8080;
    private const string ClusterTypeUrl = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
    public const string EndpointTypeUrl = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";

    public static string Host(int service) => string.Create(CultureInfo.InvariantCulture, $"svc{service}.ns{service % 50}.svc.cluster.local");

    public static string ClusterName(int service) => string.Create(CultureInfo.InvariantCulture, $"outbound|{Port}||{Host(service)}");

    /// <summary>The pods of a service; <paramref name="generation"/> moves the addresses (a rollout).</summary>
    public static ImmutableArray<FakeEndpoint> Pods(int service, int generation = 0) =>
    [
        .. Enumerable.Range(0, EndpointsPerService).Select(pod =>
        {
            var version = pod < 7 ? "v1" : "v2";
            var address = string.Create(CultureInfo.InvariantCulture, $"10.{service / 250 % 256}.{service % 250}.{1 + pod + (generation % 20 * EndpointsPerService)}");
            return new FakeEndpoint(address, Port)
            {
                Labels = new Dictionary<string, string>
                {
                    ["app"] = string.Create(CultureInfo.InvariantCulture, $"svc{service}"),
                    ["version"] = version,
                    ["pod-template-hash"] = string.Create(CultureInfo.InvariantCulture, $"{version}-{service:x6}"),
                    ["security.istio.io/tlsMode"] = "istio",
                },
                Locality = new EndpointLocality("us-east1", "us-east1-" + (char)('a' + (pod % 3)), string.Empty),
            };
        }),
    ];

    public static FakeService Service(int service, int generation = 0) =>
        new(Host(service), Port, Pods(service, generation), [], ClusterLoadBalancerPolicy.RoundRobin);

    /// <summary>The CDS response of services 0..count-1, encoded.</summary>
    public static byte[] Clusters(int count, string version = "c1") =>
        Response(ClusterTypeUrl, version, Enumerable.Range(0, count).Select(s => IstioResourceBuilder.Pack(IstioResourceBuilder.BuildCluster(Service(s), ClusterName(s), string.Empty, v2: false), ClusterTypeUrl)));

    /// <summary>The EDS response of the given services at a generation, encoded.</summary>
    public static byte[] Endpoints(IEnumerable<int> services, int generation = 0, string version = "e1") =>
        Response(EndpointTypeUrl, version, services.Select(s => IstioResourceBuilder.Pack(IstioResourceBuilder.BuildLoadAssignment(ClusterName(s), Pods(s, generation)), EndpointTypeUrl)));

    /// <summary>The EDS resource of one service at a generation.</summary>
    public static Google.Protobuf.WellKnownTypes.Any Assignment(int service, int generation) =>
        IstioResourceBuilder.Pack(IstioResourceBuilder.BuildLoadAssignment(ClusterName(service), Pods(service, generation)), EndpointTypeUrl);

    private static byte[] Response(string typeUrl, string version, IEnumerable<Google.Protobuf.WellKnownTypes.Any> resources)
    {
        var response = new DiscoveryResponse { TypeUrl = typeUrl, VersionInfo = version, Nonce = version };
        response.Resources.AddRange(resources);
        return response.ToByteArray();
    }
}
