using MeshClient.Cli.Commands;

namespace MeshClient.Cli.Tests.Commands;

/// <summary>meshctl is a client of MeshClient's public API, not of the test package.</summary>
public sealed class PublicApiUseTests
{
    [Fact]
    public void Meshctl_does_not_reference_MeshClient_Testing()
    {
        var references = typeof(CommandLine).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();

        Assert.Contains("MeshClient", references);
        Assert.DoesNotContain("MeshClient.Testing", references);
    }
}
