using MeshClient.Http;
using MeshClient.Routing;

namespace MeshClient.Tests.Http;

/// <summary>Where the workload certificate comes from: the options, else istio-agent's files when present.</summary>
public sealed class WorkloadCertificateFilesTests
{
    [Fact]
    public void Configured_files_are_used_as_given()
    {
        var options = new MeshWorkloadOptions { CertificateChainFile = "/certs/chain.pem", PrivateKeyFile = "/certs/key.pem", RootCertificateFile = "/certs/root.pem" };

        Assert.Equal(new WorkloadCertificateFiles("/certs/chain.pem", "/certs/key.pem", "/certs/root.pem"), WorkloadCertificateFiles.Resolve(options, _ => false));
    }

    [Fact]
    public void Unconfigured_uses_istio_agents_files_of_the_proxyless_template_only_when_all_three_exist()
    {
        var agentFiles = new HashSet<string>(StringComparer.Ordinal) { "/var/lib/istio/data/cert-chain.pem", "/var/lib/istio/data/key.pem", "/var/lib/istio/data/root-cert.pem" };

        Assert.Equal(new WorkloadCertificateFiles("/var/lib/istio/data/cert-chain.pem", "/var/lib/istio/data/key.pem", "/var/lib/istio/data/root-cert.pem"), WorkloadCertificateFiles.Resolve(new MeshWorkloadOptions(), agentFiles.Contains));
        Assert.Null(WorkloadCertificateFiles.Resolve(new MeshWorkloadOptions(), path => agentFiles.Contains(path) && !path.EndsWith("key.pem", StringComparison.Ordinal)));
        Assert.Null(WorkloadCertificateFiles.Resolve(null, _ => false));
    }

    [Theory]
    [InlineData("/c.pem", null, null, "Mesh:Workload: CertificateChainFile, PrivateKeyFile and RootCertificateFile go together: set all three, or none to use istio-agent's files in /var/lib/istio/data when they exist.")]
    [InlineData("/c.pem", "/k.pem", " ", "Mesh:Workload: a certificate file path is empty: give a path or leave it unset.")]
    public void Files_set_in_part_fail_validation_naming_the_section(string? chain, string? key, string? root, string expected)
    {
        var options = new MeshOptions { Workload = { CertificateChainFile = chain, PrivateKeyFile = key, RootCertificateFile = root } };

        var error = Assert.Throws<ArgumentException>(() => MeshHttpHandler.Create(new MeshRouter(new MeshClient.Registry.MeshRegistry()), options));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
