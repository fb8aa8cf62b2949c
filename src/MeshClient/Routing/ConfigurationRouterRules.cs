using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace MeshClient.Routing;

/// <summary>
/// Reads router.yaml's content from a configuration section (appsettings.json, environment variables, any provider):
/// the section is written out as a JSON document (which YAML reads as it is) with one key per line, parsed by the
/// router.yaml parser, and an error is given back as the configuration key it comes from
/// (<c>Mesh:Routing:Rules:routeRule:reviews:0:route:1:weight: weight must be from 0 to 100, got 120</c>).
/// </summary>
internal static class ConfigurationRouterRules
{
    public static RouterRules Parse(IConfigurationSection section)
    {
        var writer = new Writer();
        writer.WriteSection(section, prefix: string.Empty, isLast: true);
        try
        {
            return RouterRulesParser.Parse(writer.Text, section.Path);
        }
        catch (MeshConfigurationException error) when (error.Line > 0)
        {
            throw new MeshConfigurationException(writer.KeyOfLine(error.Line), 0, 0, error.Reason, error);
        }
    }

    private sealed class Writer
    {
        private readonly List<string> _lines = [];
        private readonly List<string> _keys = [];

        public string Text => string.Join('\n', _lines);

        public string KeyOfLine(int line) => _keys[Math.Clamp(line, 1, _keys.Count) - 1];

        /// <summary>Writes a section's value: a scalar, a sequence (children keyed 0, 1, ...) or a mapping.</summary>
        public void WriteSection(IConfigurationSection section, string prefix, bool isLast)
        {
            var children = section.GetChildren().ToList();
            var separator = isLast ? string.Empty : ",";
            if (children.Count == 0)
            {
                Add(prefix + Scalar(section.Value ?? string.Empty) + separator, section.Path);
                return;
            }

            var isSequence = IsSequence(children);
            Add(prefix + (isSequence ? "[" : "{"), section.Path);
            for (var i = 0; i < children.Count; i++)
            {
                var child = children[i];
                var childPrefix = isSequence ? string.Empty : Quote(child.Key) + ": ";
                WriteSection(child, childPrefix, i == children.Count - 1);
            }

            Add((isSequence ? "]" : "}") + separator, section.Path);
        }

        private static bool IsSequence(List<IConfigurationSection> children)
        {
            for (var i = 0; i < children.Count; i++)
            {
                if (children[i].Key != i.ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    return false;
                }
            }

            return true;
        }

        private static string Quote(string value) => JsonSerializer.Serialize(value);

        /// <summary>
        /// A value as YAML reads it. The JSON provider turns <c>true</c> into "True": written plain, it is the YAML
        /// boolean again, which tag values read as "true", as in router.yaml.
        /// </summary>
        private static string Scalar(string value) =>
            string.Equals(value, "true", StringComparison.OrdinalIgnoreCase) || string.Equals(value, "false", StringComparison.OrdinalIgnoreCase)
                ? value.ToLowerInvariant()
                : Quote(value);

        private void Add(string line, string key)
        {
            _lines.Add(line);
            _keys.Add(key);
        }
    }
}
