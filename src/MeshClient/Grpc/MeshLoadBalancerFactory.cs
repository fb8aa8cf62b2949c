using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;

namespace MeshClient.Grpc;

/// <summary>
/// Creates the mesh's load balancer for a channel whose resolver (<see cref="MeshXdsResolver"/>) named the policy
/// <see cref="PolicyName"/> and the target in its service config.
/// </summary>
internal sealed class MeshLoadBalancerFactory : LoadBalancerFactory
{
    /// <summary>The policy name in the service config.</summary>
    public const string PolicyName = "meshclient";

    private const string TargetKey = "target";

    private readonly MeshGrpcRuntime _runtime;

    public MeshLoadBalancerFactory(MeshGrpcRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        _runtime = runtime;
    }

    public override string Name => PolicyName;

    /// <summary>The service config a resolver publishes for <paramref name="target"/>.</summary>
    public static ServiceConfig ServiceConfigFor(XdsTarget target)
    {
        var config = new LoadBalancingConfig(PolicyName);
        ((IDictionary<string, object>)config.Inner[PolicyName])[TargetKey] = target.ToString();
        return new ServiceConfig { LoadBalancingConfigs = { config } };
    }

    public override LoadBalancer Create(LoadBalancerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Configuration.TryGetValue(TargetKey, out var value) || value is not string text)
        {
            throw new InvalidOperationException(
                $"The '{PolicyName}' load balancer needs the target its resolver names; it balances xds:/// channels only (configure no '{PolicyName}' policy by hand).");
        }

        var target = XdsTarget.Parse(new Uri(XdsTarget.Scheme + ":///" + text));
        var router = _runtime.Router ?? throw new InvalidOperationException($"The '{PolicyName}' load balancer needs Pilot mode (Mesh:Mode is Sidecar).");
        return new MeshLoadBalancer(options.Controller, options.LoggerFactory, new MeshCallRouting(_runtime, router, target));
    }
}
