using MeshClient.LoadBalancing;

namespace MeshClient.Routing;

/// <summary>Options of <see cref="MeshRouter"/>; read once when the router is created.</summary>
public sealed class MeshRouterOptions
{
    /// <summary>The namespace of bare service names (<c>reviews</c>) and of DestinationRules without one. Default <c>default</c>.</summary>
    public string DefaultNamespace { get; set; } = "default";

    /// <summary>The strategy of services that neither <see cref="Strategies"/> nor a DestinationRule set. Default RoundRobin.</summary>
    public LoadBalancingStrategy DefaultStrategy { get; set; } = LoadBalancingStrategy.RoundRobin;

    /// <summary>
    /// Strategies per service, by short name (<c>reviews</c>), <c>name.namespace</c> or host; they win over
    /// DestinationRules.
    /// </summary>
    public IDictionary<string, LoadBalancingStrategy> Strategies { get; } = new Dictionary<string, LoadBalancingStrategy>(StringComparer.OrdinalIgnoreCase);

    /// <summary>How a matched rule picks among its weighted tag sets. Default smooth weighted round robin.</summary>
    public RouteWeightSelection WeightSelection { get; set; } = RouteWeightSelection.SmoothRoundRobin;

    /// <summary>SessionStickiness: the header that carries the session key (wins over <see cref="SessionCookieName"/>).</summary>
    public string? SessionHeaderName { get; set; }

    /// <summary>SessionStickiness: the cookie that carries the session key.</summary>
    public string? SessionCookieName { get; set; }

    /// <summary>SessionStickiness: how long an unused session keeps its endpoint. Default 30 seconds, as go-chassis.</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>SessionStickiness: successive failures of its endpoint after which a session moves. Default 5.</summary>
    public int SessionSuccessiveFailures { get; set; } = 5;

    /// <summary>WeightedResponse: the window of response times the weights are computed from. Default 30 seconds.</summary>
    public TimeSpan ResponseTimeWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The random numbers of the random strategies; tests set a seeded source.</summary>
    internal IRandomSource? RandomSource { get; set; }

    /// <summary>
    /// Where every round-robin rotation starts; <see langword="null"/> (the default) for a random position per rotation
    /// and process, so replicas do not move in lockstep. Set 0 for reproducible picks (tests, simulations such as
    /// <c>meshctl route</c>): each rotation then starts at its first endpoint.
    /// </summary>
    public int? RoundRobinStart { get; set; }
}
