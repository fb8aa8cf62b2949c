using System.Collections.Frozen;
using System.Collections.Immutable;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace MeshClient.Routing;

/// <summary>
/// The route rules of a go-chassis <c>router.yaml</c>: for each target service, rules tried from the highest
/// precedence down (ties in written order); the first that matches picks a tag set by weight. Immutable.
/// </summary>
public sealed class RouterRules
{
    private readonly FrozenDictionary<string, ImmutableArray<RouteRule>> _rulesByService;

    internal RouterRules(string source, string? infra, IEnumerable<KeyValuePair<string, ImmutableArray<RouteRule>>> rules)
    {
        Source = source;
        Infra = infra;
        _rulesByService = rules.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>No rules: every call goes to every routable endpoint of its service.</summary>
    public static RouterRules Empty { get; } = new(string.Empty, null, []);

    /// <summary>The file or source name the rules were read from.</summary>
    public string Source { get; }

    /// <summary>The value of <c>router.infra</c>, if set.</summary>
    public string? Infra { get; }

    /// <summary>The services that have rules.</summary>
    public IReadOnlyCollection<string> Services => _rulesByService.Keys;

    /// <summary>Parses router.yaml text.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <param name="sourceName">The name errors give as the file.</param>
    /// <returns>The rules.</returns>
    /// <exception cref="MeshConfigurationException">The text is not valid YAML or breaks a rule of the format.</exception>
    public static RouterRules Parse(string yaml, string sourceName = "router.yaml")
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(sourceName);
        return RouterRulesParser.Parse(yaml, sourceName);
    }

    /// <summary>
    /// Reads router.yaml's content from a configuration section, such as <c>Mesh:Routing:Rules</c> in appsettings.json
    /// (<c>"routeRule": { "reviews": [ { "precedence": 2, "route": [ ... ] } ] }</c>), with the same rules as the file.
    /// </summary>
    /// <param name="section">The section holding <c>routeRule</c> (and <c>sourceTemplate</c>).</param>
    /// <returns>The rules.</returns>
    /// <exception cref="MeshConfigurationException">A rule is bad; the message starts with the configuration key that holds it.</exception>
    public static RouterRules FromConfiguration(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return ConfigurationRouterRules.Parse(section);
    }

    /// <summary>Reads and parses a router.yaml file.</summary>
    /// <param name="path">The file path; errors name it as given.</param>
    /// <returns>The rules.</returns>
    /// <exception cref="MeshConfigurationException">The file cannot be read or parsed.</exception>
    public static RouterRules Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(RoutingConfigurationFile<RouterRules>.ReadText(path), path);
    }

    /// <summary>
    /// Loads a router.yaml file and reloads it when it changes (after <paramref name="debounce"/> without further
    /// changes). A bad edit is logged with file, line, column and reason, and the last good rules stay.
    /// </summary>
    /// <param name="path">The file path.</param>
    /// <param name="logger">Where reload errors go.</param>
    /// <param name="timeProvider">The clock of the debounce timer.</param>
    /// <param name="debounce">How long the file must stay unchanged before it is read (default 500 ms).</param>
    /// <returns>The watched file; dispose it to stop watching.</returns>
    /// <exception cref="MeshConfigurationException">The file cannot be read or parsed at first load.</exception>
    internal static RoutingConfigurationFile<RouterRules> Watch(string path, ILogger? logger = null, TimeProvider? timeProvider = null, TimeSpan? debounce = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new RoutingConfigurationFile<RouterRules>(path, Parse, logger, timeProvider, debounce);
    }

    /// <summary>The number of rules for a service.</summary>
    /// <param name="service">The service name as written under <c>routeRule</c>.</param>
    /// <returns>The number of rules; 0 when the service has none.</returns>
    internal int GetRuleCount(string service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return _rulesByService.TryGetValue(service, out var rules) ? rules.Length : 0;
    }

    /// <summary>The rules of a service, highest precedence first.</summary>
    internal bool TryGetRules(string service, out ImmutableArray<RouteRule> rules) => _rulesByService.TryGetValue(service, out rules);
}
