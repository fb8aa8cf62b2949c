using Grpc.Net.Client.Balancer;
using Microsoft.Extensions.Logging;

namespace MeshClient.Grpc;

/// <summary>Resolves channel addresses of the scheme <c>xds</c> (<c>xds:///reviews:9080</c>) from the mesh's registry.</summary>
internal sealed class MeshXdsResolverFactory : ResolverFactory
{
    private readonly MeshGrpcRuntime _runtime;

    public MeshXdsResolverFactory(MeshGrpcRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        _runtime = runtime;
    }

    public override string Name => XdsTarget.Scheme;

    public override Resolver Create(ResolverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var router = _runtime.RequireRouter(options.Address);
        var target = XdsTarget.Parse(options.Address);
        return new MeshXdsResolver(router, target, options.Address, options.LoggerFactory.CreateLogger<MeshXdsResolver>());
    }
}
