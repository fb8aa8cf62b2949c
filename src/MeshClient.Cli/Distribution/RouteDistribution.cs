using System.Text;
using MeshClient.Routing;

namespace MeshClient.Cli.Distribution;

/// <summary>
/// Counts routing decisions: per rule, per tag set (subset), per endpoint and per failure reason, each list in the
/// order its entries first appeared.
/// </summary>
internal sealed class RouteDistribution
{
    private readonly List<RuleCount> _rules = [];
    private readonly Dictionary<string, int> _subsetIndex = new(StringComparer.Ordinal);
    private readonly List<SubsetCount> _subsets = [];
    private readonly Dictionary<(string Address, int Port), int> _endpointIndex = [];
    private readonly List<EndpointCount> _endpoints = [];
    private readonly List<FailureCount> _failures = [];

    public int Calls { get; private set; }

    /// <summary>Each rule the calls matched (index -1: none matched), in order of first appearance.</summary>
    public IReadOnlyList<RuleCount> Rules => _rules;

    /// <summary>Each chosen tag set, the remainder's included, in order of first appearance.</summary>
    public IReadOnlyList<SubsetCount> Subsets => _subsets;

    /// <summary>Each chosen endpoint, in order of first appearance.</summary>
    public IReadOnlyList<EndpointCount> Endpoints => _endpoints;

    /// <summary>Whether any endpoint that took calls is not at priority 0 (then the reports show priorities).</summary>
    public bool HasPriorities => _endpoints.Exists(e => e.Priority > 0);

    /// <summary>Each reason calls found no endpoint, in order of first appearance.</summary>
    public IReadOnlyList<FailureCount> Failures => _failures;

    /// <summary>The calls that got an endpoint.</summary>
    public int Routed => Calls - _failures.Sum(f => f.Count);

    /// <summary>
    /// The rule most calls matched (the first seen on a tie); its <see cref="RuleCount.Index"/> is -1 when that is
    /// "no rule". <see langword="null"/> before any call. A call's rule depends only on the request (service, headers,
    /// source, source tags), so calls with the same request all match the same rule.
    /// </summary>
    public RuleCount? MainRule
    {
        get
        {
            RuleCount? best = null;
            foreach (var rule in _rules)
            {
                if (best is null || rule.Count > best.Count)
                {
                    best = rule;
                }
            }

            return best;
        }
    }

    public void Add(in RouteDecision decision) => Add(RouteOutcome.From(decision));

    public void Add(RouteOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        Calls++;
        var rule = _rules.FindIndex(r => r.Index == outcome.RuleIndex && r.Precedence == outcome.RulePrecedence);
        if (rule < 0)
        {
            _rules.Add(new RuleCount(outcome.RuleIndex, outcome.RulePrecedence, 1));
        }
        else
        {
            _rules[rule] = _rules[rule] with { Count = _rules[rule].Count + 1 };
        }

        var failed = outcome.Endpoint is null ? 1 : 0;
        var tags = outcome.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        var key = TagKey(tags);
        if (_subsetIndex.TryGetValue(key, out var subset))
        {
            var current = _subsets[subset];
            _subsets[subset] = current with { Count = current.Count + 1, Failed = current.Failed + failed };
        }
        else
        {
            _subsetIndex[key] = _subsets.Count;
            _subsets.Add(new SubsetCount(tags, outcome.Subset, outcome.IsRemainder, 1, failed));
        }

        if (outcome.Endpoint is { } endpoint)
        {
            var address = (endpoint.Address, endpoint.Port);
            if (_endpointIndex.TryGetValue(address, out var index))
            {
                _endpoints[index] = _endpoints[index] with { Count = _endpoints[index].Count + 1 };
            }
            else
            {
                _endpointIndex[address] = _endpoints.Count;
                _endpoints.Add(new EndpointCount(endpoint.Address, endpoint.Port, endpoint.Priority, 1));
            }
        }
        else
        {
            var reason = _failures.FindIndex(f => f.Reason == outcome.Failure);
            if (reason < 0)
            {
                _failures.Add(new FailureCount(outcome.Failure, 1));
            }
            else
            {
                _failures[reason] = _failures[reason] with { Count = _failures[reason].Count + 1 };
            }
        }
    }

    private static string TagKey(List<KeyValuePair<string, string>> tags)
    {
        var key = new StringBuilder();
        foreach (var (name, value) in tags)
        {
            // Names and values are joined with characters that cannot be confused with their content's boundaries.
            key.Append(name.Length).Append(':').Append(name).Append('=').Append(value.Length).Append(':').Append(value).Append(';');
        }

        return key.ToString();
    }
}
