using MeshClient.Routing;
using MeshClient.Xds;

namespace MeshClient;

/// <summary>Maps the public <see cref="MeshOptions"/> onto the options of each component.</summary>
internal static class MeshOptionsMapping
{
    public static XdsClientOptions ToXdsClientOptions(this MeshOptions options) => new()
    {
        Version = options.Pilot.XdsVersion,
        PodName = options.Node.PodName,
        PodNamespace = options.Node.PodNamespace ?? options.Namespace,
        InstanceIp = options.Node.InstanceIp,
        ClusterId = options.Node.ClusterId,
        Region = options.Node.Region,
        Zone = options.Node.Zone,
        SubZone = options.Node.SubZone,
        Labels = new Dictionary<string, string>(options.Service.Tags, StringComparer.Ordinal),
        ResourceDoesNotExistTimeout = options.Pilot.ResourceTimeout,
        ReconnectInitialDelay = options.Pilot.ReconnectInitialBackoff,
        ReconnectMultiplier = options.Pilot.ReconnectBackoffMultiplier,
        ReconnectMaxDelay = options.Pilot.ReconnectMaxBackoff,
        Limits = options.Pilot.Limits,
        Protocol = options.Pilot.XdsProtocol,
        OnDemandEndpoints = options.Pilot.OnDemandEndpoints,
        OnDemandIdleTimeout = options.Pilot.OnDemandIdleTimeout,
    };

    public static MeshRouterOptions ToRouterOptions(this MeshOptions options, string defaultNamespace)
    {
        var routing = options.Routing;
        var router = new MeshRouterOptions
        {
            DefaultNamespace = defaultNamespace,
            DefaultStrategy = routing.DefaultStrategy,
            WeightSelection = routing.WeightSelection,
            SessionHeaderName = routing.SessionHeader,
            SessionCookieName = routing.SessionCookie,
            SessionTimeout = routing.SessionTimeout,
            SessionSuccessiveFailures = routing.SessionSuccessiveFailures,
        };
        foreach (var (service, strategy) in routing.Strategies)
        {
            router.Strategies[service] = strategy;
        }

        return router;
    }

    /// <summary>The namespace of bare service names: the option, else <c>POD_NAMESPACE</c>, else <c>default</c>.</summary>
    public static string ResolveNamespace(this MeshOptions options, Func<string, string?>? getEnvironmentVariable = null)
    {
        if (!string.IsNullOrWhiteSpace(options.Namespace))
        {
            return options.Namespace;
        }

        var fromEnvironment = (getEnvironmentVariable ?? Environment.GetEnvironmentVariable)("POD_NAMESPACE");
        return string.IsNullOrWhiteSpace(fromEnvironment) ? "default" : fromEnvironment.Trim();
    }
}
