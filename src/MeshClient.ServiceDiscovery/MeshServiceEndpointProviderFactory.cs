using System.Diagnostics.CodeAnalysis;
using MeshClient;
using MeshClient.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;

namespace MeshClient.ServiceDiscovery;

/// <summary>
/// Creates a <see cref="MeshServiceEndpointProvider"/> for every query: a service Pilot does not name yet may appear
/// with its next push, so the provider watches for it rather than declining.
/// </summary>
internal sealed class MeshServiceEndpointProviderFactory(
    MeshRegistry registry,
    IOptions<MeshOptions> options,
    ILogger<MeshServiceEndpointProvider> logger) : IServiceEndpointProviderFactory
{
    private readonly string _defaultNamespace = DefaultNamespace(options.Value);

    public bool TryCreateProvider(ServiceEndpointQuery query, [NotNullWhen(true)] out IServiceEndpointProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(query);
        provider = new MeshServiceEndpointProvider(registry, query, _defaultNamespace, logger);
        return true;
    }

    /// <summary>
    /// The namespace of a bare service name, as AddMeshDiscovery resolves it: <see cref="MeshOptions.Namespace"/>,
    /// else the <c>POD_NAMESPACE</c> environment variable, else <c>default</c>.
    /// </summary>
    internal static string DefaultNamespace(MeshOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.Namespace))
        {
            return options.Namespace;
        }

        var fromEnvironment = Environment.GetEnvironmentVariable("POD_NAMESPACE");
        return string.IsNullOrWhiteSpace(fromEnvironment) ? "default" : fromEnvironment.Trim();
    }
}
