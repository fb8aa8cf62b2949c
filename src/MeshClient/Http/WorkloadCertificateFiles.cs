namespace MeshClient.Http;

/// <summary>The three PEM files of the workload certificate: chain, private key and mesh root.</summary>
/// <param name="CertificateChain">The workload certificate and its intermediates.</param>
/// <param name="PrivateKey">The private key.</param>
/// <param name="RootCertificate">The mesh root certificate(s).</param>
internal sealed record WorkloadCertificateFiles(string CertificateChain, string PrivateKey, string RootCertificate)
{
    /// <summary>istio-agent's files in the proxyless (grpc-agent) pod template.</summary>
    public static WorkloadCertificateFiles IstioAgent { get; } = new(
        Path.Combine(MeshWorkloadOptions.IstioAgentDirectory, "cert-chain.pem"),
        Path.Combine(MeshWorkloadOptions.IstioAgentDirectory, "key.pem"),
        Path.Combine(MeshWorkloadOptions.IstioAgentDirectory, "root-cert.pem"));

    /// <summary>
    /// The files the options name (all three, as the validator ensures), else istio-agent's when they all exist, else
    /// <see langword="null"/>: peers are called in plaintext.
    /// </summary>
    /// <param name="options">The validated options, or <see langword="null"/>.</param>
    /// <param name="exists">Whether a file exists (<see cref="File.Exists"/> outside tests).</param>
    /// <returns>The files, or <see langword="null"/>.</returns>
    public static WorkloadCertificateFiles? Resolve(MeshWorkloadOptions? options, Func<string, bool> exists)
    {
        ArgumentNullException.ThrowIfNull(exists);
        if (options is { CertificateChainFile: { } chain, PrivateKeyFile: { } key, RootCertificateFile: { } root })
        {
            return new WorkloadCertificateFiles(chain, key, root);
        }

        var agent = IstioAgent;
        return exists(agent.CertificateChain) && exists(agent.PrivateKey) && exists(agent.RootCertificate) ? agent : null;
    }
}
