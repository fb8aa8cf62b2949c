using Grpc.Net.Client.Balancer;

namespace MeshClient.Grpc;

/// <summary>
/// The <c>GrpcChannelOptions.ServiceProvider</c> of a channel a console app creates with
/// <c>MeshDiscovery.CreateGrpcChannel</c>: it adds the mesh's resolver and load balancer factories to those of the
/// caller's own provider, and answers everything else from it.
/// </summary>
internal sealed class MeshGrpcServiceProvider : IServiceProvider
{
    private readonly ResolverFactory[] _resolvers;
    private readonly LoadBalancerFactory[] _balancers;
    private readonly IServiceProvider? _inner;

    public MeshGrpcServiceProvider(MeshGrpcRuntime runtime, IServiceProvider? inner)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        _inner = inner;
        var resolvers = (inner?.GetService(typeof(IEnumerable<ResolverFactory>)) as IEnumerable<ResolverFactory>) ?? [];
        var balancers = (inner?.GetService(typeof(IEnumerable<LoadBalancerFactory>)) as IEnumerable<LoadBalancerFactory>) ?? [];
        _resolvers = [new MeshXdsResolverFactory(runtime), .. resolvers.Where(r => !string.Equals(r.Name, XdsTarget.Scheme, StringComparison.OrdinalIgnoreCase))];
        _balancers = [new MeshLoadBalancerFactory(runtime), .. balancers.Where(b => !string.Equals(b.Name, MeshLoadBalancerFactory.PolicyName, StringComparison.Ordinal))];
    }

    public object? GetService(Type serviceType)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceType == typeof(IEnumerable<ResolverFactory>))
        {
            return _resolvers;
        }

        if (serviceType == typeof(IEnumerable<LoadBalancerFactory>))
        {
            return _balancers;
        }

        return _inner?.GetService(serviceType);
    }
}
