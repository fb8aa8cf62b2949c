using System.Reflection;
using System.Runtime.CompilerServices;
using MeshClient.Testing;

namespace MeshClient.Tests;

/// <summary>
/// Who sees the internals of the packages: the tests and the (unshipped) benchmarks. The shipped parts, meshctl,
/// MeshClient.Testing and MeshClient.ServiceDiscovery, build on MeshClient's public API only.
/// </summary>
public sealed class PublicApiFenceTests
{
    [Fact]
    public void MeshClient_shows_its_internals_to_the_tests_and_benchmarks_only()
    {
        var friends = typeof(MeshDiscovery).Assembly.GetCustomAttributes<InternalsVisibleToAttribute>()
            .Select(a => a.AssemblyName)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(["DynamicProxyGenAssembly2", "MeshClient.Benchmarks", "MeshClient.EndToEnd.Tests", "MeshClient.Tests"], friends);
    }

    [Fact]
    public void MeshClient_Testing_shows_its_internals_to_no_one()
    {
        Assert.Empty(typeof(FakePilot).Assembly.GetCustomAttributes<InternalsVisibleToAttribute>());
    }
}
