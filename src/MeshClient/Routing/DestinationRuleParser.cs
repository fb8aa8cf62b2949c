using System.Collections.Immutable;
using MeshClient.LoadBalancing;
using YamlDotNet.RepresentationModel;

namespace MeshClient.Routing;

/// <summary>
/// Parses Kubernetes manifests for the DestinationRules in them (other kinds are skipped), naming file, line and
/// column of every error.
/// </summary>
internal sealed class DestinationRuleParser
{
    private static readonly string[] ApiVersions = ["networking.istio.io/v1alpha3", "networking.istio.io/v1beta1", "networking.istio.io/v1"];

    private readonly YamlSourceReader _reader;
    private readonly string _defaultNamespace;

    private DestinationRuleParser(string file, string defaultNamespace)
    {
        _reader = new YamlSourceReader(file);
        _defaultNamespace = defaultNamespace;
    }

    public static ImmutableArray<DestinationRule> Parse(string yaml, string file, string defaultNamespace)
    {
        try
        {
            return new DestinationRuleParser(file, defaultNamespace).Parse(yaml);
        }
        catch (Exception ex) when (ex is not MeshConfigurationException)
        {
            throw MeshConfigurationException.Unexpected(file, ex);
        }
    }

    /// <summary>
    /// Resolves a DestinationRule host: <c>reviews</c> and <c>reviews.prod</c> and <c>reviews.prod.svc[.suffix]</c>
    /// become <c>reviews.prod</c>; any other host stays as written, in lower case.
    /// </summary>
    public static string? ResolveHost(string host, string @namespace, out string? error)
    {
        error = null;
        if (host.Length == 0)
        {
            error = "spec.host must not be empty";
            return null;
        }

        if (host.Contains('*', StringComparison.Ordinal))
        {
            error = $"spec.host '{host}' is a wildcard, which is not supported";
            return null;
        }

        var labels = host.Split('.');
        foreach (var label in labels)
        {
            if (!IsDnsLabel(label))
            {
                error = $"spec.host '{host}' is not a valid host name (each dot-separated part must be 1 to 63 letters, digits or '-', not starting or ending with '-')";
                return null;
            }
        }

        var lower = host.ToLowerInvariant();
        var parts = lower.Split('.');
        return parts.Length switch
        {
            1 => parts[0] + "." + @namespace.ToLowerInvariant(),
            2 => lower,
            _ when parts[2] == "svc" => parts[0] + "." + parts[1],
            _ => lower,
        };
    }

    private static bool IsDnsLabel(string label)
    {
        if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
        {
            return false;
        }

        foreach (var c in label)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return false;
            }
        }

        return true;
    }

    private ImmutableArray<DestinationRule> Parse(string yaml)
    {
        var rules = ImmutableArray.CreateBuilder<DestinationRule>();
        var byHost = new Dictionary<string, DestinationRule>(StringComparer.OrdinalIgnoreCase);
        foreach (var document in _reader.Load(yaml))
        {
            if (YamlSourceReader.IsEmptyDocument(document))
            {
                continue;
            }

            var rule = ParseDocument(document.RootNode, out var hostNode);
            if (rule is null)
            {
                continue;
            }

            if (byHost.TryGetValue(rule.Host, out var first))
            {
                throw _reader.Error(hostNode!, $"a second DestinationRule for host '{rule.Host}' (the first is at line {first.Line})");
            }

            byHost.Add(rule.Host, rule);
            rules.Add(rule);
        }

        return rules.ToImmutable();
    }

    private DestinationRule? ParseDocument(YamlNode root, out YamlNode? hostNode)
    {
        hostNode = null;
        var mapping = _reader.Mapping(root, "a Kubernetes manifest");
        string? kind = null;
        (string Value, YamlNode Node)? apiVersion = null;
        YamlNode? metadata = null;
        YamlNode? spec = null;
        foreach (var (key, _, value) in _reader.Entries(mapping, "the manifest"))
        {
            switch (key)
            {
                case "kind":
                    kind = _reader.Scalar(value, "kind");
                    break;
                case "apiVersion":
                    apiVersion = (_reader.Scalar(value, "apiVersion"), value);
                    break;
                case "metadata":
                    metadata = value;
                    break;
                case "spec":
                    spec = value;
                    break;
            }
        }

        if (kind is null)
        {
            throw _reader.Error(root, "the manifest has no kind");
        }

        if (!string.Equals(kind, "DestinationRule", StringComparison.Ordinal))
        {
            return null;
        }

        if (apiVersion is not { } version)
        {
            throw _reader.Error(root, "the DestinationRule has no apiVersion");
        }

        if (!ApiVersions.Contains(version.Value, StringComparer.Ordinal))
        {
            throw _reader.Error(version.Node, $"unsupported apiVersion '{version.Value}' for DestinationRule (expected {string.Join(", ", ApiVersions)})");
        }

        string name = string.Empty;
        var ns = _defaultNamespace;
        if (metadata is not null)
        {
            foreach (var (key, _, value) in _reader.Entries(_reader.Mapping(metadata, "metadata"), "metadata"))
            {
                if (key == "name")
                {
                    name = _reader.Scalar(value, "metadata.name");
                }
                else if (key == "namespace")
                {
                    ns = _reader.Scalar(value, "metadata.namespace");
                }
            }
        }

        if (spec is null)
        {
            throw _reader.Error(root, $"DestinationRule '{name}' has no spec");
        }

        string? host = null;
        LoadBalancingStrategy? strategy = null;
        var subsets = ImmutableArray<DestinationRuleSubset>.Empty;
        foreach (var (key, _, value) in _reader.Entries(_reader.Mapping(spec, "spec"), "spec"))
        {
            switch (key)
            {
                case "host":
                    hostNode = value;
                    var written = value is YamlScalarNode { Value: { } v } ? v : _reader.Scalar(value, "spec.host");
                    host = ResolveHost(written, ns, out var error) ?? throw _reader.Error(value, error!);
                    break;
                case "trafficPolicy":
                    strategy = ParseTrafficPolicy(value, "spec.trafficPolicy");
                    break;
                case "subsets":
                    subsets = ParseSubsets(value);
                    break;
            }
        }

        if (host is null)
        {
            throw _reader.Error(spec, $"DestinationRule '{name}' has no spec.host");
        }

        return new DestinationRule(name, ns, host, strategy, subsets, _reader.File, (int)hostNode!.Start.Line);
    }

    private ImmutableArray<DestinationRuleSubset> ParseSubsets(YamlNode node)
    {
        var subsets = ImmutableArray.CreateBuilder<DestinationRuleSubset>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in _reader.Sequence(node, "spec.subsets").Children)
        {
            string? name = null;
            var labels = TagSet.Empty;
            LoadBalancingStrategy? strategy = null;
            foreach (var (key, keyNode, value) in _reader.Entries(_reader.Mapping(item, "a subset"), "a subset"))
            {
                switch (key)
                {
                    case "name":
                        name = _reader.Scalar(value, "subset name");
                        if (!names.Add(name))
                        {
                            throw _reader.Error(value, $"subset '{name}' is defined twice");
                        }

                        if (name.Contains('|', StringComparison.Ordinal))
                        {
                            throw _reader.Error(value, $"subset name '{name}' must not contain '|'");
                        }

                        break;
                    case "labels":
                        var pairs = new List<KeyValuePair<string, string>>();
                        foreach (var (label, _, labelValue) in _reader.Entries(_reader.Mapping(value, "subset labels"), "subset labels"))
                        {
                            pairs.Add(new(label, _reader.LabelValue(labelValue, $"label '{label}'")));
                        }

                        labels = TagSet.Create(pairs);
                        break;
                    case "trafficPolicy":
                        strategy = ParseTrafficPolicy(value, "subset trafficPolicy");
                        break;
                    default:
                        _ = keyNode;
                        break;
                }
            }

            if (name is null)
            {
                throw _reader.Error(item, "subset has no name");
            }

            subsets.Add(new DestinationRuleSubset(name, labels, strategy));
        }

        return subsets.ToImmutable();
    }

    private LoadBalancingStrategy? ParseTrafficPolicy(YamlNode node, string what)
    {
        LoadBalancingStrategy? strategy = null;
        foreach (var (key, _, value) in _reader.Entries(_reader.Mapping(node, what), what))
        {
            if (key != "loadBalancer")
            {
                continue;
            }

            foreach (var (lbKey, _, lbValue) in _reader.Entries(_reader.Mapping(value, $"{what}.loadBalancer"), $"{what}.loadBalancer"))
            {
                if (lbKey != "simple")
                {
                    continue;
                }

                var simple = _reader.Scalar(lbValue, "loadBalancer.simple");
                strategy = simple switch
                {
                    "ROUND_ROBIN" => LoadBalancingStrategy.RoundRobin,
                    "LEAST_REQUEST" or "LEAST_CONN" => LoadBalancingStrategy.LeastRequest,
                    "RANDOM" => LoadBalancingStrategy.Random,

                    // A client has no original destination to pass through to; it balances as ROUND_ROBIN.
                    "PASSTHROUGH" => LoadBalancingStrategy.RoundRobin,
                    "UNSPECIFIED" => null,
                    _ => throw _reader.Error(lbValue, $"unknown loadBalancer.simple '{simple}' (expected ROUND_ROBIN, LEAST_REQUEST, RANDOM or PASSTHROUGH)"),
                };
            }
        }

        return strategy;
    }
}
