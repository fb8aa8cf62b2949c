using MeshClient.LoadBalancing;
using MeshClient.Routing;

namespace MeshClient;

/// <summary>Route rules, DestinationRules and how calls are balanced.</summary>
public sealed class MeshRoutingOptions
{
    /// <summary>The go-chassis router.yaml with the route rules; reloaded when it changes. <see langword="null"/>: no rules.</summary>
    public string? RouterFile { get; set; }

    /// <summary>Files of Istio DestinationRule manifests that give subsets their labels.</summary>
    public List<string> DestinationRuleFiles { get; set; } = [];

    /// <summary>The strategy of services that neither <see cref="Strategies"/> nor a DestinationRule names. Default <see cref="LoadBalancingStrategy.RoundRobin"/>.</summary>
    public LoadBalancingStrategy DefaultStrategy { get; set; } = LoadBalancingStrategy.RoundRobin;

    /// <summary>The strategy per service name (go-chassis <c>cse.loadbalance.SERVICE.strategy.name</c>).</summary>
    public Dictionary<string, LoadBalancingStrategy> Strategies { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How a rule's weights pick a tag set. Default smooth weighted round robin (exact shares).</summary>
    public RouteWeightSelection WeightSelection { get; set; } = RouteWeightSelection.SmoothRoundRobin;

    /// <summary>SessionStickiness: the request header holding the session key.</summary>
    public string? SessionHeader { get; set; }

    /// <summary>SessionStickiness: the cookie holding the session key.</summary>
    public string? SessionCookie { get; set; }

    /// <summary>SessionStickiness: how long an idle session keeps its endpoint. Default 30 s.</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>SessionStickiness: failures in a row after which a session moves to another endpoint. Default 5.</summary>
    public int SessionSuccessiveFailures { get; set; } = 5;

    /// <summary>How often changed router and DestinationRule files are re-read, at the earliest, after a change. Default 500 ms.</summary>
    public TimeSpan ReloadDebounce { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>What happens to a call whose host the mesh does not know. Default <see cref="UnknownHostBehavior.PassThrough"/>.</summary>
    public UnknownHostBehavior UnknownHost { get; set; } = UnknownHostBehavior.PassThrough;

    /// <summary>Whether the Host header keeps the logical service name when the call goes to an endpoint's address. Default <see langword="true"/>.</summary>
    public bool PreserveHostHeader { get; set; } = true;
}
