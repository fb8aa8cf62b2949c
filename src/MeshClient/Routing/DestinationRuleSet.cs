using System.Collections.Frozen;
using System.Collections.Immutable;
using MeshClient.Registry;
using Microsoft.Extensions.Logging;

namespace MeshClient.Routing;

/// <summary>
/// The Istio DestinationRules the router knows: for each host its subsets (whose labels are given to the endpoints
/// of the subset clusters) and load-balancing policies. Immutable.
/// </summary>
public sealed class DestinationRuleSet
{
    private readonly FrozenDictionary<string, DestinationRule> _byHost;

    internal DestinationRuleSet(IEnumerable<DestinationRule> rules)
    {
        _byHost = rules.ToFrozenDictionary(r => r.Host, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>No DestinationRules.</summary>
    public static DestinationRuleSet Empty { get; } = new([]);

    /// <summary>The resolved hosts that have a DestinationRule: <c>name.namespace</c> for Kubernetes services.</summary>
    public IReadOnlyCollection<string> Hosts => _byHost.Keys;

    /// <summary>Parses Kubernetes manifests; documents of other kinds are skipped.</summary>
    /// <param name="yaml">The YAML text, one or more documents.</param>
    /// <param name="sourceName">The name errors give as the file.</param>
    /// <param name="defaultNamespace">The namespace of rules without metadata.namespace.</param>
    /// <returns>The DestinationRules.</returns>
    /// <exception cref="MeshConfigurationException">The text is not valid YAML or a DestinationRule is malformed.</exception>
    public static DestinationRuleSet Parse(string yaml, string sourceName = "destination-rules.yaml", string defaultNamespace = "default")
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentException.ThrowIfNullOrEmpty(defaultNamespace);
        return new DestinationRuleSet(DestinationRuleParser.Parse(yaml, sourceName, defaultNamespace));
    }

    /// <summary>Reads and parses a file of Kubernetes manifests.</summary>
    /// <param name="path">The file path; errors name it as given.</param>
    /// <param name="defaultNamespace">The namespace of rules without metadata.namespace.</param>
    /// <returns>The DestinationRules.</returns>
    /// <exception cref="MeshConfigurationException">The file cannot be read or parsed.</exception>
    public static DestinationRuleSet Load(string path, string defaultNamespace = "default")
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(RoutingConfigurationFile<DestinationRuleSet>.ReadText(path), path, defaultNamespace);
    }

    /// <summary>Loads a file of DestinationRules and reloads it when it changes; a bad edit is logged and the last good set stays.</summary>
    /// <param name="path">The file path.</param>
    /// <param name="defaultNamespace">The namespace of rules without metadata.namespace.</param>
    /// <param name="logger">Where reload errors go.</param>
    /// <param name="timeProvider">The clock of the debounce timer.</param>
    /// <param name="debounce">How long the file must stay unchanged before it is read (default 500 ms).</param>
    /// <returns>The watched file; dispose it to stop watching.</returns>
    /// <exception cref="MeshConfigurationException">The file cannot be read or parsed at first load.</exception>
    internal static RoutingConfigurationFile<DestinationRuleSet> Watch(
        string path,
        string defaultNamespace = "default",
        ILogger? logger = null,
        TimeProvider? timeProvider = null,
        TimeSpan? debounce = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(defaultNamespace);
        return new RoutingConfigurationFile<DestinationRuleSet>(path, (text, file) => Parse(text, file, defaultNamespace), logger, timeProvider, debounce);
    }

    /// <summary>Puts several sets together, such as one per file.</summary>
    /// <param name="sets">The sets.</param>
    /// <returns>One set with every rule.</returns>
    /// <exception cref="MeshConfigurationException">Two sets have a rule for the same host.</exception>
    public static DestinationRuleSet Combine(IEnumerable<DestinationRuleSet> sets)
    {
        ArgumentNullException.ThrowIfNull(sets);
        var all = new Dictionary<string, DestinationRule>(StringComparer.OrdinalIgnoreCase);
        foreach (var set in sets)
        {
            foreach (var rule in set._byHost.Values)
            {
                if (all.TryGetValue(rule.Host, out var first))
                {
                    throw new MeshConfigurationException(rule.File, rule.Line, 0, $"a second DestinationRule for host '{rule.Host}' (the first is in {first.File} at line {first.Line})");
                }

                all.Add(rule.Host, rule);
            }
        }

        return new DestinationRuleSet(all.Values);
    }

    /// <summary>The DestinationRule of a registry service, matched by <c>name.namespace</c> or by host.</summary>
    internal DestinationRule? Find(MeshService service)
    {
        if (_byHost.Count == 0)
        {
            return null;
        }

        if (service.Namespace is { } ns && _byHost.TryGetValue(service.Name + "." + ns, out var rule))
        {
            return rule;
        }

        return _byHost.TryGetValue(service.Host, out rule) ? rule : null;
    }

    internal ImmutableArray<DestinationRule> Rules => [.. _byHost.Values];
}
