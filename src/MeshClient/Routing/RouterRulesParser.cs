using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace MeshClient.Routing;

/// <summary>Parses go-chassis router.yaml into <see cref="RouterRules"/>, naming file, line and column of every error.</summary>
internal sealed class RouterRulesParser
{
    private const string Operators = "exact, regex, noEqu, greater, less, noLess, noGreater, caseInsensitive";

    private readonly YamlSourceReader _reader;
    private readonly Dictionary<string, RouteMatch> _templates = new(StringComparer.Ordinal);

    private RouterRulesParser(string file)
    {
        _reader = new YamlSourceReader(file);
    }

    public static RouterRules Parse(string yaml, string file)
    {
        try
        {
            return new RouterRulesParser(file).Parse(yaml);
        }
        catch (Exception ex) when (ex is not MeshConfigurationException)
        {
            throw MeshConfigurationException.Unexpected(file, ex);
        }
    }

    private RouterRules Parse(string yaml)
    {
        var documents = _reader.Load(yaml);
        var nonEmpty = documents.Where(d => !YamlSourceReader.IsEmptyDocument(d)).ToList();
        if (nonEmpty.Count == 0)
        {
            return new RouterRules(_reader.File, null, []);
        }

        if (nonEmpty.Count > 1)
        {
            throw _reader.Error(nonEmpty[1].RootNode, "router.yaml must hold a single document");
        }

        var root = _reader.Mapping(nonEmpty[0].RootNode, "router.yaml");
        string? infra = null;
        YamlNode? routeRules = null;
        foreach (var (key, keyNode, value) in _reader.Entries(root, "router.yaml"))
        {
            switch (key)
            {
                case "router":
                    infra = ParseRouter(value);
                    break;
                case "routeRule":
                    routeRules = value;
                    break;
                case "sourceTemplate":
                    ParseTemplates(value);
                    break;
                default:
                    throw _reader.Error(keyNode, $"unknown key '{key}' (expected router, routeRule or sourceTemplate)");
            }
        }

        var rules = new List<KeyValuePair<string, ImmutableArray<RouteRule>>>();
        if (routeRules is not null && !(routeRules is YamlScalarNode s && YamlSourceReader.IsNull(s)))
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (service, serviceNode, list) in _reader.Entries(_reader.Mapping(routeRules, "routeRule"), "routeRule"))
            {
                if (!seen.Add(service))
                {
                    throw _reader.Error(serviceNode, $"service '{service}' has rules twice (names are case-insensitive)");
                }

                rules.Add(new(service, ParseServiceRules(service, list)));
            }
        }

        return new RouterRules(_reader.File, infra, rules);
    }

    private string? ParseRouter(YamlNode node)
    {
        if (node is YamlScalarNode scalar && YamlSourceReader.IsNull(scalar))
        {
            return null;
        }

        string? infra = null;
        foreach (var (key, keyNode, value) in _reader.Entries(_reader.Mapping(node, "router"), "router"))
        {
            infra = key == "infra"
                ? _reader.Scalar(value, "router.infra")
                : throw _reader.Error(keyNode, $"unknown key '{key}' in router (expected infra)");
        }

        return infra;
    }

    private void ParseTemplates(YamlNode node)
    {
        if (node is YamlScalarNode scalar && YamlSourceReader.IsNull(scalar))
        {
            return;
        }

        foreach (var (name, _, value) in _reader.Entries(_reader.Mapping(node, "sourceTemplate"), "sourceTemplate"))
        {
            _templates[name] = ParseMatch(value, $"sourceTemplate.{name}", allowRefer: false);
        }
    }

    private ImmutableArray<RouteRule> ParseServiceRules(string service, YamlNode node)
    {
        var list = _reader.Sequence(node, $"routeRule.{service}");
        var rules = new List<RouteRule>();
        foreach (var item in list.Children)
        {
            rules.Add(ParseRule(service, rules.Count, item));
        }

        // Highest precedence first; OrderByDescending is stable, so ties keep the written order.
        return [.. rules.OrderByDescending(r => r.Precedence)];
    }

    private RouteRule ParseRule(string service, int index, YamlNode node)
    {
        var what = $"rule {index + 1} of {service}"; // counted from 1, as RouteDecision.RuleNumber
        var mapping = _reader.Mapping(node, what);
        var precedence = 0;
        RouteMatch? match = null;
        YamlNode? routeNode = null;
        foreach (var (key, keyNode, value) in _reader.Entries(mapping, what))
        {
            switch (key)
            {
                case "precedence":
                    var text = _reader.Scalar(value, "precedence");
                    if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out precedence))
                    {
                        throw _reader.Error(value, $"precedence must be an integer, got '{text}'");
                    }

                    break;
                case "match":
                    match = ParseMatch(value, "match", allowRefer: true);
                    break;
                case "route":
                    routeNode = value;
                    break;
                default:
                    throw _reader.Error(keyNode, $"unknown key '{key}' in {what} (expected precedence, match or route)");
            }
        }

        if (routeNode is null)
        {
            throw _reader.Error(node, $"{what} has no route");
        }

        var routes = ParseRoutes(routeNode, what);
        return new RouteRule(index, precedence, match, routes, (int)node.Start.Line);
    }

    private ImmutableArray<WeightedRoute> ParseRoutes(YamlNode node, string what)
    {
        var list = _reader.Sequence(node, "route");
        if (list.Children.Count == 0)
        {
            throw _reader.Error(node, $"{what} has an empty route list");
        }

        var routes = ImmutableArray.CreateBuilder<WeightedRoute>();
        var total = 0;
        foreach (var item in list.Children)
        {
            var mapping = _reader.Mapping(item, "a route entry");
            TagSet? tags = null;
            int? weight = null;
            foreach (var (key, keyNode, value) in _reader.Entries(mapping, "a route entry"))
            {
                switch (key)
                {
                    case "tags":
                        tags = ParseTags(value, "tags");
                        break;
                    case "weight":
                        weight = ParseWeight(value);
                        break;
                    default:
                        throw _reader.Error(keyNode, $"unknown key '{key}' in a route entry (expected tags and weight)");
                }
            }

            if (tags is null)
            {
                throw _reader.Error(item, "route entry has no tags");
            }

            if (weight is null)
            {
                throw _reader.Error(item, "route entry has no weight");
            }

            total += weight.Value;
            routes.Add(new WeightedRoute(tags, weight.Value));
        }

        if (total > 100)
        {
            throw _reader.Error(node, $"weights of {what} add up to {total.ToString(CultureInfo.InvariantCulture)}, more than 100");
        }

        return routes.ToImmutable();
    }

    private int ParseWeight(YamlNode node)
    {
        var text = _reader.Scalar(node, "weight");
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var weight))
        {
            throw _reader.Error(node, $"weight must be an integer from 0 to 100, got '{text}'");
        }

        if (weight is < 0 or > 100)
        {
            throw _reader.Error(node, $"weight must be from 0 to 100, got {text}");
        }

        return weight;
    }

    private TagSet ParseTags(YamlNode node, string what)
    {
        var mapping = _reader.Mapping(node, what);
        if (mapping.Children.Count == 0)
        {
            throw _reader.Error(node, $"{what} must not be empty");
        }

        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var (name, _, value) in _reader.Entries(mapping, what))
        {
            pairs.Add(new(name, _reader.LabelValue(value, $"{what}.{name}")));
        }

        return TagSet.Create(pairs);
    }

    private RouteMatch ParseMatch(YamlNode node, string what, bool allowRefer)
    {
        var mapping = _reader.Mapping(node, what);
        string? source = null;
        TagSet? sourceTags = null;
        var headers = ImmutableArray<HeaderCondition>.Empty;
        (string Name, YamlNode Node)? refer = null;
        YamlNode? firstOther = null;
        foreach (var (key, keyNode, value) in _reader.Entries(mapping, what))
        {
            switch (key)
            {
                case "source":
                    source = _reader.Scalar(value, "source");
                    firstOther ??= keyNode;
                    break;
                case "sourceTags":
                    sourceTags = ParseTags(value, "sourceTags");
                    firstOther ??= keyNode;
                    break;
                case "headers":
                    headers = ParseHeaders(value);
                    firstOther ??= keyNode;
                    break;
                case "refer" when allowRefer:
                    refer = (_reader.Scalar(value, "refer"), value);
                    break;
                default:
                    throw _reader.Error(
                        keyNode,
                        allowRefer
                            ? $"unknown key '{key}' in {what} (expected source, sourceTags, headers or refer)"
                            : $"unknown key '{key}' in {what} (expected source, sourceTags or headers)");
            }
        }

        if (refer is { } r)
        {
            if (firstOther is not null)
            {
                throw _reader.Error(firstOther, "a match with refer cannot have other conditions");
            }

            return _templates.TryGetValue(r.Name, out var template)
                ? template.WithReferredTemplate(r.Name)
                : throw _reader.Error(r.Node, $"refer names sourceTemplate '{r.Name}', which does not exist");
        }

        return new RouteMatch(source, sourceTags, headers, null);
    }

    private ImmutableArray<HeaderCondition> ParseHeaders(YamlNode node)
    {
        var conditions = ImmutableArray.CreateBuilder<HeaderCondition>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, nameNode, value) in _reader.Entries(_reader.Mapping(node, "headers"), "headers"))
        {
            if (!names.Add(name))
            {
                throw _reader.Error(nameNode, $"header '{name}' is listed twice (header names are case-insensitive)");
            }

            conditions.Add(ParseHeader(name, nameNode, value));
        }

        return conditions.ToImmutable();
    }

    private HeaderCondition ParseHeader(string name, YamlNode nameNode, YamlNode node)
    {
        var ops = _reader.Mapping(node, $"header '{name}'");
        string? exact = null, noEqu = null;
        (string Pattern, YamlNode Node)? regex = null;
        decimal? greater = null, less = null, noLess = null, noGreater = null;
        var caseInsensitive = false;
        var count = 0;
        foreach (var (op, opNode, value) in _reader.Entries(ops, $"header '{name}'"))
        {
            switch (op)
            {
                case "exact":
                    exact = _reader.Scalar(value, "exact");
                    break;
                case "noEqu":
                    noEqu = _reader.Scalar(value, "noEqu");
                    break;
                case "regex":
                    regex = (_reader.Scalar(value, "regex"), value);
                    break;
                case "greater":
                    greater = ParseNumber(value, op);
                    break;
                case "less":
                    less = ParseNumber(value, op);
                    break;
                case "noLess":
                    noLess = ParseNumber(value, op);
                    break;
                case "noGreater":
                    noGreater = ParseNumber(value, op);
                    break;
                case "caseInsensitive":
                    var flag = _reader.Scalar(value, op);
                    caseInsensitive = flag.ToUpperInvariant() switch
                    {
                        "TRUE" => true,
                        "FALSE" => false,
                        _ => throw _reader.Error(value, $"caseInsensitive must be true or false, got '{flag}'"),
                    };
                    continue;
                default:
                    throw _reader.Error(opNode, $"unknown operator '{op}' for header '{name}' (expected {Operators})");
            }

            count++;
        }

        if (count == 0)
        {
            throw _reader.Error(nameNode, $"header '{name}' has no operator (expected {Operators})");
        }

        Regex? compiled = null;
        if (regex is { } r)
        {
            var options = RegexOptions.CultureInvariant | RegexOptions.Compiled | (caseInsensitive ? RegexOptions.IgnoreCase : RegexOptions.None);
            try
            {
                compiled = new Regex(r.Pattern, options, HeaderCondition.RegexMatchTimeout);
            }
            catch (ArgumentException ex)
            {
                throw _reader.Error(r.Node, $"bad regex for header '{name}': {ex.Message}", ex);
            }
        }

        return new HeaderCondition(name, exact, compiled, noEqu, greater, less, noLess, noGreater, caseInsensitive);
    }

    private decimal ParseNumber(YamlNode node, string op)
    {
        var text = _reader.Scalar(node, op);
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw _reader.Error(node, $"{op} needs a number, got '{text}'");
    }
}
