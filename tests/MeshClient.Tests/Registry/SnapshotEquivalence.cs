using MeshClient.Registry;

namespace MeshClient.Tests.Registry;

/// <summary>Asserts that two snapshots hold the same content: clusters, service ports and the short-name index.</summary>
internal static class SnapshotEquivalence
{
    public static void AssertSameContent(RegistrySnapshot expected, RegistrySnapshot actual)
    {
        Assert.Equal(expected.Clusters.Keys.Order(StringComparer.Ordinal), actual.Clusters.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, cluster) in expected.Clusters)
        {
            Assert.True(ClusterContent.Equal(cluster, actual.Clusters[name]), $"cluster {name} differs");
        }

        var expectedServices = expected.Services.OrderBy(s => s.Host, StringComparer.Ordinal).ThenBy(s => s.Port).ToList();
        var actualServices = actual.Services.OrderBy(s => s.Host, StringComparer.Ordinal).ThenBy(s => s.Port).ToList();
        Assert.Equal(expectedServices.Select(s => (s.Host, s.Port, s.Name, s.Namespace)), actualServices.Select(s => (s.Host, s.Port, s.Name, s.Namespace)));
        for (var i = 0; i < expectedServices.Count; i++)
        {
            Assert.True(ClusterContent.Equal(expectedServices[i], actualServices[i]), $"service {expectedServices[i].Host}:{expectedServices[i].Port} differs");
        }

        Assert.Equal(expected.ServiceHosts.Order(StringComparer.Ordinal), actual.ServiceHosts.Order(StringComparer.Ordinal));
        foreach (var service in expectedServices.Where(s => s.Namespace is not null))
        {
            var shortName = service.Name + "." + service.Namespace;
            Assert.Equal(expected.TryFindService(shortName, service.Port, "default", out var e) ? e.Host : null, actual.TryFindService(shortName, service.Port, "default", out var a) ? a.Host : null);
        }
    }
}
