using MeshClient.Registry;

namespace MeshClient.Routing;

/// <summary>
/// Everything needed to route calls to one service port in one state (registry snapshot, rules, DestinationRules):
/// its rules in precedence order with their weight pools, and the pool of all routable endpoints. Immutable apart
/// from the interlocked counters inside the pools.
/// </summary>
internal sealed class ServiceRoutes
{
    public ServiceRoutes(ServiceKey key, MeshService service, RulePlan[] rules, EndpointPool allEndpoints, string? latestVersion, DestinationRule? destinationRule)
    {
        Key = key;
        Service = service;
        Rules = rules;
        AllEndpoints = allEndpoints;
        LatestVersion = latestVersion;
        DestinationRule = destinationRule;
        Failure = RouteFailure.None;
    }

    public ServiceRoutes(ServiceKey key, RouteFailure failure)
    {
        Key = key;
        Failure = failure;
        Rules = [];
    }

    /// <summary>The name and port the routes were looked up by (the name instance of the first lookup).</summary>
    public ServiceKey Key { get; }

    /// <summary>The service port, or <see langword="null"/> when it is not in the registry (see <see cref="Failure"/>).</summary>
    public MeshService? Service { get; }

    public RouteFailure Failure { get; }

    /// <summary>The rules, highest precedence first, ties in written order.</summary>
    public RulePlan[] Rules { get; }

    /// <summary>Every routable endpoint, for calls no rule matches.</summary>
    public EndpointPool? AllEndpoints { get; }

    /// <summary>The highest <c>version</c> label among routable endpoints, or <see langword="null"/> when none has one.</summary>
    public string? LatestVersion { get; }

    public DestinationRule? DestinationRule { get; }
}
