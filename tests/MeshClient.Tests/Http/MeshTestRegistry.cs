using MeshClient.Registry;

namespace MeshClient.Tests.Http;

/// <summary>Registries whose endpoints are <see cref="TestBackend"/>s on 127.0.0.1, in the clusters Pilot would send.</summary>
internal static class MeshTestRegistry
{
    public const int ServicePort = 9080;

    /// <summary>
    /// A registry with service <paramref name="name"/> in namespace default: the all-endpoints cluster
    /// <c>outbound|9080||NAME.default.svc.cluster.local</c> and one cluster per subset, endpoints 127.0.0.1:backend port.
    /// </summary>
    public static MeshRegistry Create(string name, params (string Subset, TestBackend[] Backends)[] subsets)
    {
        var registry = new MeshRegistry();
        registry.Replace(Clusters(name, subsets));
        return registry;
    }

    /// <summary>A registry with one service whose endpoints are all in the all-endpoints cluster (no subsets).</summary>
    public static MeshRegistry Create(string name, params TestBackend[] backends) => Create(name, (string.Empty, backends));

    public static IEnumerable<MeshCluster> Clusters(string name, params (string Subset, TestBackend[] Backends)[] subsets)
    {
        var host = Host(name);
        var all = subsets.SelectMany(s => s.Backends).Distinct().Select(Endpoint).ToArray();
        yield return new MeshCluster($"outbound|{ServicePort}||{host}", [.. all]);
        foreach (var (subset, backends) in subsets.Where(s => s.Subset.Length > 0))
        {
            yield return new MeshCluster($"outbound|{ServicePort}|{subset}|{host}", [.. backends.Select(Endpoint)]);
        }
    }

    public static string Host(string name) => $"{name}.default.svc.cluster.local";

    public static MeshEndpoint Endpoint(TestBackend backend) => new("127.0.0.1", backend.Port);

    /// <summary>Router options whose round robin starts at the first endpoint (a router's rotations start at random otherwise).</summary>
    public static MeshClient.Routing.MeshRouterOptions InOrder() => new() { RoundRobinStart = 0 };
}
