using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using MeshClient.LoadBalancing;
using MeshClient.Registry;

namespace MeshClient.Routing;

/// <summary>
/// Routes calls over the registry: the first matching router.yaml rule picks a tag set by weight, the endpoints
/// carrying those tags (merged with DestinationRule subset labels) are found, and the service's load-balancing
/// strategy picks one. Thread-safe and lock-free on the call path: each decision sees one immutable state
/// (registry snapshot, rules, DestinationRules), rebuilt only when one of them changes.
/// </summary>
/// <example>
/// <code>
/// var decision = router.Route(new RouteRequest("reviews", sourceService: "productpage"), new HttpRequestHeadersReader(request.Headers));
/// if (!decision.Succeeded) { /* decision.Failure says why */ }
/// var call = router.BeginCall(decision);
/// try { /* send to decision.Endpoint */ call.Complete(success: true); }
/// catch { call.Complete(success: false); throw; }
/// </code>
/// </example>
public sealed class MeshRouter
{
    private readonly MeshRegistry _registry;
    private readonly RouterContext _context;
    private readonly object _updateLock = new();
    private RouterState _state;

    /// <summary>Creates a router over a registry.</summary>
    /// <param name="registry">The registry whose current snapshot each decision uses.</param>
    /// <param name="rules">The router.yaml rules; none when <see langword="null"/>.</param>
    /// <param name="destinationRules">The DestinationRules; none when <see langword="null"/>.</param>
    /// <param name="options">The options; read once here.</param>
    /// <param name="timeProvider">The clock of session timeouts and response times.</param>
    public MeshRouter(
        MeshRegistry registry,
        RouterRules? rules = null,
        DestinationRuleSet? destinationRules = null,
        MeshRouterOptions? options = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        _context = new RouterContext(options ?? new MeshRouterOptions(), timeProvider ?? TimeProvider.System);
        _state = new RouterState(_context, registry.Current, rules ?? RouterRules.Empty, destinationRules ?? DestinationRuleSet.Empty);
    }

    /// <summary>The rules in force.</summary>
    public RouterRules Rules => Volatile.Read(ref _state).Rules;

    /// <summary>The DestinationRules in force.</summary>
    public DestinationRuleSet DestinationRules => Volatile.Read(ref _state).DestinationRules;

    /// <summary>The registry the router reads.</summary>
    public MeshRegistry Registry => _registry;

    internal RouterContext Context => _context;

    /// <summary>The state decisions use now (tests and diagnostics).</summary>
    internal RouterState State => CurrentState();

    /// <summary>Puts new rules in force for the decisions that start from now on.</summary>
    /// <param name="rules">The rules.</param>
    public void UpdateRules(RouterRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        lock (_updateLock)
        {
            var current = _state;
            Volatile.Write(ref _state, new RouterState(_context, _registry.Current, rules, current.DestinationRules));
        }
    }

    /// <summary>Puts new DestinationRules in force for the decisions that start from now on.</summary>
    /// <param name="destinationRules">The DestinationRules.</param>
    public void UpdateDestinationRules(DestinationRuleSet destinationRules)
    {
        ArgumentNullException.ThrowIfNull(destinationRules);
        lock (_updateLock)
        {
            var current = _state;
            Volatile.Write(ref _state, new RouterState(_context, _registry.Current, current.Rules, destinationRules));
        }
    }

    /// <summary>Routes a call that has no headers.</summary>
    /// <param name="request">The target and the caller.</param>
    /// <returns>The decision.</returns>
    public RouteDecision Route(in RouteRequest request) => Route(request, default(NoRouteHeaders));

    /// <summary>Routes a call.</summary>
    /// <typeparam name="THeaders">The header reader; a struct keeps the call free of allocations.</typeparam>
    /// <param name="request">The target and the caller.</param>
    /// <param name="headers">The call's headers.</param>
    /// <returns>The decision: the endpoint and why, or why there is none.</returns>
    public RouteDecision Route<THeaders>(in RouteRequest request, in THeaders headers)
        where THeaders : IRouteHeaders, allows ref struct =>
        Route(request, headers, default(NoEndpointFilter));

    /// <summary>Routes a call, skipping the endpoints <paramref name="filter"/> excludes (ejected outliers).</summary>
    /// <typeparam name="THeaders">The header reader.</typeparam>
    /// <typeparam name="TFilter">The filter; a struct keeps the call free of allocations.</typeparam>
    /// <param name="request">The target and the caller.</param>
    /// <param name="headers">The call's headers.</param>
    /// <param name="filter">
    /// The exclusions. When every endpoint of the chosen tag set is excluded, the call goes to one of them anyway
    /// (as Envoy routes to all hosts when all are ejected).
    /// </param>
    /// <returns>The decision: the endpoint and why, or why there is none.</returns>
    internal RouteDecision Route<THeaders, TFilter>(in RouteRequest request, in THeaders headers, TFilter filter)
        where THeaders : IRouteHeaders, allows ref struct
        where TFilter : IEndpointFilter
    {
        if (request.Service is null)
        {
            ThrowNoService(nameof(request));
        }

        var state = CurrentState();
        var routes = state.GetRoutes(request.Service, request.Port);
        if (routes.Service is not { } service)
        {
            return new RouteDecision(request.Service, routes, _context.DefaultStrategy, state.Snapshot.Version);
        }

        // On-demand EDS: the first use of a service subscribes to its endpoints (nothing happens without it).
        _registry.NoteServiceUsed(service);
        var plan = routes.FirstMatch(request, headers);
        if (plan is null)
        {
            return Pick(request, headers, filter, state, routes, service, rule: null, routes.Unmatched!, occurrence: 0, counted: false);
        }

        if (plan.Fused is { } fused)
        {
            // The weighted pick and the endpoint pick in one step; the entry has no endpoint only when its tag set has none.
            ref readonly var entry = ref fused.Next();
            if (entry.Candidate is { } candidate && !filter.Excludes(service, candidate.Endpoint))
            {
                return new RouteDecision(request.Service, routes, plan.Rule, entry.Destination, candidate, state.Snapshot.Version);
            }

            return Pick(request, headers, filter, state, routes, service, plan.Rule, entry.Destination, occurrence: 0, counted: false);
        }

        var destination = plan.Next(out var occurrence, out var counted);
        return Pick(request, headers, filter, state, routes, service, plan.Rule, destination, occurrence, counted);
    }

    /// <summary>
    /// Picks another endpoint for the retry of a call: among the endpoints of the same tag set that the filter does not
    /// exclude (the filter names the endpoints already tried); when none is left there, among all routable endpoints
    /// of the service; when none is left at all, any endpoint of the tag set. The rule's weight pool does not move, so
    /// retries do not skew the split of first attempts.
    /// </summary>
    /// <typeparam name="TFilter">The filter.</typeparam>
    /// <param name="previous">The decision of the attempt that failed.</param>
    /// <param name="filter">The exclusions: endpoints tried, ejected outliers.</param>
    /// <returns>The decision for the next attempt; <paramref name="previous"/> itself when it had no endpoint.</returns>
    internal RouteDecision RouteAgain<TFilter>(in RouteDecision previous, TFilter filter)
        where TFilter : IEndpointFilter
    {
        if (previous.Pool is not { HasEndpoints: true } pool || previous.Service is not { } service || previous.Routes is not { } routes)
        {
            return previous;
        }

        if (!pool.TryPick(service, default, filter, out var candidate)
            && routes.Unmatched is { Pool.HasEndpoints: true } all
            && !ReferenceEquals(all.Pool, pool)
            && all.Pool.TryPick(service, default, filter, out var other))
        {
            return new RouteDecision(previous.RequestedService, routes, previous.Rule, all, other, previous.RegistryVersion);
        }

        return new RouteDecision(previous.RequestedService, routes, previous.Rule, previous.Destination!, candidate, previous.RegistryVersion);
    }

    /// <summary>
    /// Records that a call to the decision's endpoint starts; complete the returned call when it ends. Does nothing
    /// (and returns an untracked call) for a failed decision.
    /// </summary>
    /// <param name="decision">The decision whose endpoint is called.</param>
    /// <returns>The call to complete.</returns>
    internal EndpointCall BeginCall(in RouteDecision decision) =>
        decision.Candidate is { } candidate ? new EndpointCall(candidate.Statistics, _context.Settings.Time) : default;

    /// <summary>
    /// Picks the endpoint of <paramref name="destination"/> by its pool's strategy (from the rule's count when
    /// <paramref name="counted"/>), skipping what the filter excludes; a failure when the tag set has no endpoint.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private RouteDecision Pick<THeaders, TFilter>(
        in RouteRequest request,
        in THeaders headers,
        TFilter filter,
        RouterState state,
        ServiceRoutes routes,
        MeshService service,
        RouteRule? rule,
        RuleDestination destination,
        uint occurrence,
        bool counted)
        where THeaders : IRouteHeaders, allows ref struct
        where TFilter : IEndpointFilter
    {
        var pool = destination.Pool;
        if (!pool.HasEndpoints)
        {
            return new RouteDecision(request.Service, routes, rule, destination, pool.FailureWhenEmpty, state.Snapshot.Version);
        }

        var sessionKey = pool.Strategy == LoadBalancingStrategy.SessionStickiness
            ? SessionKeyReader.Read(headers, _context.SessionHeaderName, _context.SessionCookieName)
            : default;
        EndpointCandidate candidate;
        if (counted)
        {
            pool.TryPickAt(occurrence, service, sessionKey, filter, out candidate);
        }
        else
        {
            pool.TryPick(service, sessionKey, filter, out candidate);
        }

        return new RouteDecision(request.Service, routes, rule, destination, candidate, state.Snapshot.Version);
    }

    [DoesNotReturn]
    private static void ThrowNoService(string parameter) => throw new ArgumentException("The request names no service.", parameter);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private RouterState CurrentState()
    {
        var state = Volatile.Read(ref _state);
        var snapshot = _registry.Current;
        return ReferenceEquals(state.Snapshot, snapshot) ? state : Refresh();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private RouterState Refresh()
    {
        lock (_updateLock)
        {
            // Read the registry again under the lock, so a slow thread never puts an older snapshot back.
            var snapshot = _registry.Current;
            var state = _state;
            if (ReferenceEquals(state.Snapshot, snapshot))
            {
                return state;
            }

            var next = new RouterState(_context, snapshot, state.Rules, state.DestinationRules);
            Volatile.Write(ref _state, next);
            _context.RequestPrune(snapshot);
            return next;
        }
    }
}
