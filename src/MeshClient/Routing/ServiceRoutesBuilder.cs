using System.Collections.Frozen;
using System.Globalization;
using MeshClient.LoadBalancing;
using MeshClient.Registry;

namespace MeshClient.Routing;

/// <summary>
/// Builds the <see cref="ServiceRoutes"/> of one service port: merges endpoint labels with the labels of the
/// DestinationRule subsets, finds the endpoints of each tag set the rules name, and builds the weight pools and the
/// strategies. Rotation positions come from the service's long-lived <see cref="ServiceBalancerState"/>.
/// </summary>
internal sealed class ServiceRoutesBuilder
{
    private const string VersionLabel = "version";

    private readonly RouterContext _context;
    private readonly MeshService _service;
    private readonly DestinationRule? _destinationRule;
    private readonly EndpointCandidate[] _all;
    private readonly EndpointCandidate[] _routable;
    private readonly Dictionary<string, EndpointPool> _pools = new(StringComparer.Ordinal);
    private readonly LoadBalancingStrategy? _configuredStrategy;
    private readonly ServiceBalancerState _balancer;
    private readonly bool _useLocalityWeights;
    private readonly HashSet<string> _ruleKeys = new(StringComparer.Ordinal);
    private readonly HashSet<string> _cursorKeys = new(StringComparer.Ordinal);

    private ServiceRoutesBuilder(RouterContext context, MeshService service, DestinationRuleSet destinationRules)
    {
        _context = context;
        _service = service;
        _balancer = context.Balancers.Get(service.Host, service.Port);
        _useLocalityWeights = service.AllEndpoints?.LocalityWeighted ?? service.Subsets.Values.Any(c => c.LocalityWeighted);
        _destinationRule = destinationRules.Find(service);
        _all = MergeEndpoints();
        _routable = [.. _all.Where(c => c.Endpoint.IsRoutable)];
        _configuredStrategy = FindConfiguredStrategy();
    }

    /// <summary>The routes of a service port that is not in the snapshot: why.</summary>
    public static ServiceRoutes NotFound(RouterContext context, RegistrySnapshot snapshot, ServiceKey key)
    {
        var failure = key.Port == 0 && snapshot.GetServicePorts(key.Name, context.DefaultNamespace).Count > 1
            ? RouteFailure.PortNotSpecified
            : RouteFailure.ServiceNotFound;
        return new ServiceRoutes(key, failure);
    }

    public static ServiceRoutes Build(RouterContext context, MeshService service, RouterRules rules, DestinationRuleSet destinationRules, ServiceKey key) =>
        new ServiceRoutesBuilder(context, service, destinationRules).Build(rules, destinationRules, key);

    private ServiceRoutes Build(RouterRules rules, DestinationRuleSet destinationRules, ServiceKey key)
    {
        var latest = FindLatestVersion();
        var remainderTags = latest is null ? TagSet.Empty : TagSet.Create([new(VersionLabel, latest)]);
        var plans = new List<RulePlan>();
        foreach (var rule in FindRules(rules, key.Name))
        {
            var destinations = new List<RuleDestination>();
            foreach (var route in rule.Routes)
            {
                if (route.Weight > 0)
                {
                    destinations.Add(new RuleDestination(GetPool(route.Tags), route.Weight, IsRemainder: false));
                }
            }

            if (rule.RemainderWeight > 0)
            {
                destinations.Add(new RuleDestination(GetPool(remainderTags), rule.RemainderWeight, IsRemainder: true));
            }

            var ruleKey = RuleKey(rule, destinations);
            _ruleKeys.Add(ruleKey);
            plans.Add(new RulePlan(rule, [.. destinations], _context.WeightSelection, _context.Settings.Random, _balancer.RuleCursor(ruleKey)));
        }

        var all = GetPool(TagSet.Empty);
        _balancer.RetainOnly(_cursorKeys, _ruleKeys);
        return new ServiceRoutes(key, _service, [.. plans], all, latest, _destinationRule, rules, destinationRules);
    }

    /// <summary>A rule's identity for its cursor: its place and its weighted tag sets, so a rule whose weights change starts fresh.</summary>
    private static string RuleKey(RouteRule rule, List<RuleDestination> destinations) =>
        string.Create(CultureInfo.InvariantCulture, $"{rule.Index}/{rule.Precedence}:")
        + string.Join(";", destinations.Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Pool.Tags.Key}={d.Weight}{(d.IsRemainder ? "r" : string.Empty)}")));

    private IEnumerable<RouteRule> FindRules(RouterRules rules, string requestedName)
    {
        var colon = requestedName.LastIndexOf(':');
        var name = colon >= 0 ? requestedName[..colon] : requestedName;
        string?[] names =
        [
            name,
            _service.Name,
            _service.Namespace is { } ns ? _service.Name + "." + ns : null,
            _service.Host,
        ];
        foreach (var candidate in names)
        {
            if (candidate is not null && rules.TryGetRules(candidate, out var found))
            {
                return found;
            }
        }

        return [];
    }

    private EndpointCandidate[] MergeEndpoints()
    {
        var merged = new Dictionary<EndpointAddress, (MeshEndpoint Endpoint, Dictionary<string, string> Labels)>();
        void Add(MeshCluster cluster, TagSet? subsetLabels)
        {
            foreach (var endpoint in cluster.Endpoints)
            {
                var address = new EndpointAddress(endpoint.Address, endpoint.Port);
                if (!merged.TryGetValue(address, out var entry))
                {
                    entry = (endpoint, new Dictionary<string, string>(StringComparer.Ordinal));
                    merged.Add(address, entry);
                }

                // Labels from the endpoint's own metadata win over the subset's, which only select it.
                foreach (var (name, value) in endpoint.Labels)
                {
                    entry.Labels[name] = value;
                }

                if (subsetLabels is not null)
                {
                    foreach (var (name, value) in subsetLabels.Tags)
                    {
                        entry.Labels.TryAdd(name, value);
                    }
                }
            }
        }

        if (_service.AllEndpoints is { } all)
        {
            Add(all, null);
        }

        foreach (var (subsetName, cluster) in _service.Subsets.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            Add(cluster, _destinationRule?.FindSubset(subsetName)?.Labels);
        }

        return merged.Values
            .Select(e => new EndpointCandidate(e.Endpoint, e.Labels.ToFrozenDictionary(StringComparer.Ordinal), _context.GetStatistics(e.Endpoint)))
            .ToArray();
    }

    private string? FindLatestVersion()
    {
        string? latest = null;
        foreach (var candidate in _routable)
        {
            if (candidate.Labels.TryGetValue(VersionLabel, out var version)
                && (latest is null || VersionLabelComparer.Instance.Compare(version, latest) > 0))
            {
                latest = version;
            }
        }

        return latest;
    }

    private EndpointPool GetPool(TagSet tags)
    {
        if (_pools.TryGetValue(tags.Key, out var pool))
        {
            return pool;
        }

        var subset = FindSubset(tags);
        var strategy = _configuredStrategy ?? subset?.Strategy ?? _destinationRule?.Strategy ?? _context.DefaultStrategy;
        var sessions = strategy == LoadBalancingStrategy.SessionStickiness ? _balancer.Sessions : null;

        // Priority levels, highest first; a level counts every endpoint carrying the tags for its health, and picks
        // among the routable ones.
        var levels = _all
            .Where(c => tags.IsSatisfiedBy(c.Labels))
            .GroupBy(c => c.Endpoint.Priority)
            .OrderBy(g => g.Key)
            .Select(level =>
            {
                var routable = level.Where(c => c.Endpoint.IsRoutable).ToArray();
                var cursorKey = level.Key == 0 ? tags.Key : tags.Key + " p" + level.Key.ToString(CultureInfo.InvariantCulture);
                _cursorKeys.Add(cursorKey);
                var selector = routable.Length == 0
                    ? null
                    : EndpointSelector.Create(strategy, routable, _context.Settings, sessions, _balancer.RoundRobinCursor(cursorKey), _useLocalityWeights);
                return new PriorityLevel(level.Key, selector, level.Count());
            })
            .ToArray();
        var levelKey = tags.Key + " levels";
        _cursorKeys.Add(levelKey);
        pool = new EndpointPool(
            tags,
            subset?.Name,
            strategy,
            levels,
            _balancer.RoundRobinCursor(levelKey),
            tags.Count == 0 ? RouteFailure.NoRoutableEndpoints : RouteFailure.NoEndpointWithTags);
        _pools.Add(tags.Key, pool);
        return pool;
    }

    /// <summary>
    /// The DestinationRule subset the tag set stands for, when exactly one fits: its labels hold every tag
    /// (<c>{debug: true}</c> stands for subset v2 with labels <c>{version: v2, debug: true}</c>), or every one of its
    /// labels is among the tags (<c>{version: v2, zone: b}</c> picks endpoints of subset v2 only).
    /// </summary>
    private DestinationRuleSubset? FindSubset(TagSet tags)
    {
        if (_destinationRule is null || tags.Count == 0)
        {
            return null;
        }

        DestinationRuleSubset? found = null;
        foreach (var subset in _destinationRule.Subsets)
        {
            if (tags.IsSatisfiedBy(subset.Labels.Tags) || (subset.Labels.Count > 0 && subset.Labels.IsSatisfiedBy(tags.Tags)))
            {
                if (found is not null)
                {
                    return null;
                }

                found = subset;
            }
        }

        return found;
    }

    private LoadBalancingStrategy? FindConfiguredStrategy()
    {
        var strategies = _context.Strategies;
        if (strategies.Count == 0)
        {
            return null;
        }

        if (strategies.TryGetValue(_service.Name, out var strategy)
            || (_service.Namespace is { } ns && strategies.TryGetValue(_service.Name + "." + ns, out strategy))
            || strategies.TryGetValue(_service.Host, out strategy))
        {
            return strategy;
        }

        return null;
    }
}
