using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using MeshClient.LoadBalancing;
using MeshClient.Registry;

namespace MeshClient.Routing;

/// <summary>
/// The outcome of routing one call: the endpoint, and why it was chosen (the rule that matched, the tag set, the
/// subset, the strategy), or why there is none. Immutable; <see cref="ToString"/> explains it in one line.
/// </summary>
public readonly struct RouteDecision
{
    private static readonly IReadOnlyDictionary<string, string> NoTags = FrozenDictionary<string, string>.Empty;

    private readonly RouteRule? _rule;
    private readonly RuleDestination? _destination;

    /// <summary>The strategy of a decision without a destination (the router's default); with one, its pool's.</summary>
    private readonly LoadBalancingStrategy _strategyWithoutDestination;

    /// <summary>A decision that found no service port (<see cref="ServiceRoutes.Failure"/> says why).</summary>
    internal RouteDecision(string requestedService, ServiceRoutes routes, LoadBalancingStrategy strategy, long registryVersion)
    {
        RequestedService = requestedService;
        Routes = routes;
        Failure = routes.Failure;
        _strategyWithoutDestination = strategy;
        RegistryVersion = registryVersion;
    }

    /// <summary>A decision whose destination has no endpoint: <paramref name="failure"/> says why.</summary>
    internal RouteDecision(string requestedService, ServiceRoutes routes, RouteRule? rule, RuleDestination destination, RouteFailure failure, long registryVersion)
    {
        RequestedService = requestedService;
        Routes = routes;
        _rule = rule;
        _destination = destination;
        Failure = failure;
        RegistryVersion = registryVersion;
    }

    /// <summary>A decision for <paramref name="candidate"/> of a destination of the service.</summary>
    internal RouteDecision(string requestedService, ServiceRoutes routes, RouteRule? rule, RuleDestination destination, EndpointCandidate candidate, long registryVersion)
    {
        RequestedService = requestedService;
        Routes = routes;
        _rule = rule;
        _destination = destination;
        Candidate = candidate;
        RegistryVersion = registryVersion;
    }

    /// <summary>Whether an endpoint was chosen.</summary>
    public bool Succeeded => Candidate is not null;

    /// <summary>The chosen endpoint, or <see langword="null"/> when <see cref="Failure"/> says why there is none.</summary>
    public MeshEndpoint? Endpoint => Candidate?.Endpoint;

    /// <summary>Why there is no endpoint; <see cref="RouteFailure.None"/> when there is one.</summary>
    public RouteFailure Failure { get; }

    /// <summary>The service as the request named it.</summary>
    public string RequestedService { get; }

    /// <summary>The registry's service port the call goes to, or <see langword="null"/> when it was not found.</summary>
    public MeshService? Service => Routes?.Service;

    /// <summary>Whether a rule matched.</summary>
    public bool RuleMatched => RuleIndex >= 0;

    /// <summary>The 0-based position, as written, of the rule that matched in <c>routeRule.&lt;service&gt;</c>; -1 when none did.</summary>
    public int RuleIndex => _rule?.Index ?? -1;

    /// <summary>
    /// The rule that matched, counted from 1 in the order written in <c>routeRule.&lt;service&gt;</c>, as router.yaml
    /// errors, logs, traces and meshctl count rules; 0 when none did.
    /// </summary>
    public int RuleNumber => RuleIndex + 1;

    /// <summary>The precedence of the rule that matched; 0 when none did.</summary>
    public int RulePrecedence => _rule?.Precedence ?? 0;

    /// <summary>The tag set the endpoint was chosen from; empty when no rule matched (every routable endpoint).</summary>
    public IReadOnlyDictionary<string, string> Tags => _destination?.Pool.Tags.Tags ?? NoTags;

    /// <summary>Whether the tag set is the rule's remainder (weights under 100 go to the latest version).</summary>
    public bool IsRemainder => _destination?.IsRemainder ?? false;

    /// <summary>The DestinationRule subset the tag set stands for, when exactly one fits (its labels hold the tags, or the tags hold its labels).</summary>
    public string? Subset => _destination?.Pool.Subset;

    /// <summary>The load-balancing strategy that picked the endpoint.</summary>
    public LoadBalancingStrategy Strategy => _destination is { } destination ? destination.Pool.Strategy : _strategyWithoutDestination;

    /// <summary>The version of the registry snapshot the decision was made on.</summary>
    public long RegistryVersion { get; }

    internal EndpointCandidate? Candidate { get; }

    /// <summary>The rule that matched, or <see langword="null"/>.</summary>
    internal RouteRule? Rule => _rule;

    /// <summary>The destination the candidate was picked from (its pool and whether it is the remainder).</summary>
    internal RuleDestination? Destination => _destination;

    /// <summary>The endpoints the candidate was picked from, so a retry can pick another of them.</summary>
    internal EndpointPool? Pool => _destination?.Pool;

    /// <summary>The routes of the service port, so a retry can leave <see cref="Pool"/> when it has no other endpoint.</summary>
    internal ServiceRoutes? Routes { get; }

    /// <summary>Explains the decision, for logs and traces.</summary>
    /// <returns>One line, such as <c>reviews -> 10.0.0.1:9080: rule 1 (precedence 2), tags {version=v1}, subset v1, RoundRobin</c>.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(RequestedService).Append(" -> ");
        if (!Succeeded)
        {
            text.Append("no endpoint: ").Append(Failure.ToString());
        }
        else
        {
            text.Append(Endpoint!.ToString());
        }

        text.Append(": ");
        text.Append(RuleMatched
            ? string.Create(CultureInfo.InvariantCulture, $"rule {RuleNumber} (precedence {RulePrecedence})")
            : "no rule matched");
        text.Append(", tags {");
        var first = true;
        foreach (var (name, value) in Tags.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            text.Append(first ? string.Empty : ", ").Append(name).Append('=').Append(value);
            first = false;
        }

        text.Append('}');
        if (IsRemainder)
        {
            text.Append(" (remainder to the latest version)");
        }

        if (Subset is not null)
        {
            text.Append(", subset ").Append(Subset);
        }

        text.Append(", ").Append(Strategy.ToString());
        text.Append(CultureInfo.InvariantCulture, $", registry version {RegistryVersion}");
        return text.ToString();
    }
}
