using System.Runtime.CompilerServices;
using MeshClient.Registry;

namespace MeshClient.Routing;

/// <summary>
/// Everything needed to route calls to one service port as built from its registry content, rules and
/// DestinationRules: its rules in precedence order with their weight pools, and the pool of all routable endpoints.
/// Immutable apart from the long-lived cursors and statistics it refers to; kept across registry snapshots that leave
/// the service's content as it was (<see cref="IsCurrentFor"/>).
/// </summary>
internal sealed class ServiceRoutes
{
    /// <summary>The first rule when it matches every call: then a decision tests no condition and reads no header.</summary>
    private readonly RulePlan? _leading;

    public ServiceRoutes(ServiceKey key, MeshService service, RulePlan[] rules, EndpointPool allEndpoints, string? latestVersion, DestinationRule? destinationRule, RouterRules routerRules, DestinationRuleSet destinationRules)
    {
        Key = key;
        RouterRules = routerRules;
        DestinationRules = destinationRules;
        Service = service;
        Rules = rules;
        var names = new List<string>();
        foreach (var plan in rules)
        {
            IntegerSlots |= plan.AssignHeaderSlots(names);
        }

        HeaderNames = [.. names];
        Conditions = ConditionTable.TryCreate(rules, HeaderNames, IntegerSlots);
        _leading = rules is [{ Match: null } first, ..] ? first : null;
        AllEndpoints = allEndpoints;
        Unmatched = new RuleDestination(allEndpoints, Weight: 0, IsRemainder: false);
        LatestVersion = latestVersion;
        DestinationRule = destinationRule;
        Failure = RouteFailure.None;
    }

    public ServiceRoutes(ServiceKey key, RouteFailure failure)
    {
        Key = key;
        Failure = failure;
        Rules = [];
        HeaderNames = [];
    }

    /// <summary>The distinct headers the rules test (up to <see cref="HeaderSnapshot.Capacity"/>), read once per decision.</summary>
    public string[] HeaderNames { get; }

    /// <summary>
    /// The rules' header conditions as one table evaluated while the headers are read, or <see langword="null"/> when
    /// the rules are tested one by one (a condition runs a regex, or the rules test more names than the snapshot keeps).
    /// </summary>
    public ConditionTable? Conditions { get; }

    /// <summary>The slots of <see cref="HeaderNames"/> (a bit each) whose values numeric conditions test: parsed once per decision.</summary>
    public int IntegerSlots { get; }

    /// <summary>The name and port the routes were looked up by (the name instance of the first lookup).</summary>
    public ServiceKey Key { get; }

    /// <summary>The service port, or <see langword="null"/> when it is not in the registry (see <see cref="Failure"/>).</summary>
    public MeshService? Service { get; }

    public RouteFailure Failure { get; }

    /// <summary>The rules, highest precedence first, ties in written order.</summary>
    public RulePlan[] Rules { get; }

    /// <summary>Every routable endpoint, for calls no rule matches.</summary>
    public EndpointPool? AllEndpoints { get; }

    /// <summary>The destination of calls no rule matches (and of retries that leave their rule's tag set): <see cref="AllEndpoints"/>.</summary>
    public RuleDestination? Unmatched { get; }

    /// <summary>The highest <c>version</c> label among routable endpoints, or <see langword="null"/> when none has one.</summary>
    public string? LatestVersion { get; }

    public DestinationRule? DestinationRule { get; }

    /// <summary>The rules these routes were built from.</summary>
    public RouterRules? RouterRules { get; }

    /// <summary>The DestinationRules these routes were built from.</summary>
    public DestinationRuleSet? DestinationRules { get; }

    /// <summary>Whether these routes still hold for <paramref name="service"/> under the given rules: built from the same rules and equal content.</summary>
    public bool IsCurrentFor(MeshService service, RouterRules rules, DestinationRuleSet destinationRules) =>
        Service is { } built
        && ReferenceEquals(RouterRules, rules)
        && ReferenceEquals(DestinationRules, destinationRules)
        && ClusterContent.Equal(built, service);

    /// <summary>The first rule, in precedence order, that the call matches; <see langword="null"/> when none does.</summary>
    /// <typeparam name="THeaders">The header reader.</typeparam>
    /// <param name="request">The call.</param>
    /// <param name="headers">Its headers, each that the rules test read at most once.</param>
    /// <returns>The rule's plan, or <see langword="null"/>.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public RulePlan? FirstMatch<THeaders>(in RouteRequest request, in THeaders headers)
        where THeaders : IRouteHeaders, allows ref struct =>
        _leading ?? (Rules.Length == 0 ? null : FirstMatchByConditions(request, headers));

    private RulePlan? FirstMatchByConditions<THeaders>(in RouteRequest request, in THeaders headers)
        where THeaders : IRouteHeaders, allows ref struct =>
        Conditions is { } table ? FirstMatchByTable(request, headers, table) : FirstMatchOneByOne(request, headers);

    /// <summary>
    /// The first rule that matches, tested one by one with the header values read once into a snapshot. Apart, so the
    /// snapshot's frame is not set up for decisions that use the table.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private RulePlan? FirstMatchOneByOne<THeaders>(in RouteRequest request, in THeaders headers)
        where THeaders : IRouteHeaders, allows ref struct
    {
        var snapshot = HeaderNames.Length == 0 ? default : HeaderSnapshot.Read(headers, HeaderNames, IntegerSlots);
        var rules = Rules;
        for (var i = 0; i < rules.Length; i++)
        {
            var plan = rules[i];
            if (plan.Match is not { } match || match.Matches(request, headers, snapshot, plan.HeaderSlots))
            {
                return plan;
            }
        }

        return null;
    }

    /// <summary>The first rule whose header conditions' bits are all among those met, and whose caller conditions hold.</summary>
    private RulePlan? FirstMatchByTable<THeaders>(in RouteRequest request, in THeaders headers, ConditionTable table)
        where THeaders : IRouteHeaders, allows ref struct
    {
        var satisfied = HeaderNames.Length == 0 ? 0 : table.Evaluate(headers);
        var rules = Rules;
        var masks = table.RuleMasks;
        for (var i = 0; i < rules.Length && i < masks.Length; i++)
        {
            var plan = rules[i];
            var mask = masks[i];
            if (plan.Match is not { } match || ((satisfied & mask) == mask && match.MatchesSource(request)))
            {
                return plan;
            }
        }

        return null;
    }
}
