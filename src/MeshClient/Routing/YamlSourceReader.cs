using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MeshClient.Routing;

/// <summary>
/// Reads YAML through the representation model, which keeps the position of every node, and turns both syntax
/// errors and the caller's semantic errors into <see cref="MeshConfigurationException"/>s at the right line and column.
/// </summary>
internal sealed partial class YamlSourceReader
{
    public YamlSourceReader(string file)
    {
        File = file;
    }

    public string File { get; }

    /// <summary>
    /// Loads every document of <paramref name="text"/>. Any failure of the YAML library, of any exception type, becomes
    /// a <see cref="MeshConfigurationException"/> at the position where the scanner gave up; the limits of
    /// <see cref="YamlLimits"/> and duplicate keys are checked first.
    /// </summary>
    /// <exception cref="MeshConfigurationException">The text is not usable YAML.</exception>
    public IReadOnlyList<YamlDocument> Load(string text)
    {
        if (text.Length > YamlLimits.MaxChars)
        {
            throw new MeshConfigurationException(File, 0, 0, $"{text.Length} characters, over the limit of {YamlLimits.MaxChars}");
        }

        Scanner? scanner = null;
        try
        {
            scanner = new Scanner(new StringReader(text));
            YamlPreflight.Check(new Parser(scanner), File);
            scanner = new Scanner(new StringReader(text));
            var stream = new YamlStream();
            stream.Load(new Parser(scanner));
            return [.. stream.Documents];
        }
        catch (MeshConfigurationException)
        {
            throw;
        }
        catch (YamlException ex)
        {
            // Descend to the innermost YAML error: that one names the real cause.
            var inner = ex;
            while (inner.InnerException is YamlException deeper)
            {
                inner = deeper;
            }

            var reason = StripPosition(inner.Message);
            if (inner.InnerException is { } cause && inner.InnerException is not YamlException && reason.Length == 0)
            {
                reason = cause.Message;
            }

            throw new MeshConfigurationException(File, ToInt(inner.Start.Line), ToInt(inner.Start.Column), reason, ex);
        }
        catch (Exception ex)
        {
            // The YAML library failed in another way (InvalidOperationException on an unclosed flow sequence, ...):
            // still a load error, at the position the scanner had reached.
            var at = scanner?.CurrentPosition;
            throw new MeshConfigurationException(
                File,
                at is { } line ? ToInt(line.Line) : 0,
                at is { } column ? ToInt(column.Column) : 0,
                $"cannot parse the YAML: {ex.Message}",
                ex);
        }
    }

    public MeshConfigurationException Error(YamlNode node, string reason, Exception? inner = null) =>
        new(File, ToInt(node.Start.Line), ToInt(node.Start.Column), reason, inner);

    public YamlMappingNode Mapping(YamlNode node, string what) =>
        node as YamlMappingNode ?? throw Error(node, $"{what} must be a mapping");

    public YamlSequenceNode Sequence(YamlNode node, string what) =>
        node as YamlSequenceNode ?? throw Error(node, $"{what} must be a list");

    public string Scalar(YamlNode node, string what) =>
        node is YamlScalarNode { Value: { } value } scalar && !IsNull(scalar)
            ? value
            : throw Error(node, $"{what} must be a single value");

    /// <summary>
    /// A label or tag value as a string: YAML booleans written without quotes (<c>true</c>, <c>True</c>) become
    /// <c>"true"</c>/<c>"false"</c>, as Go's YAML reader turns them into the same label value.
    /// </summary>
    public string LabelValue(YamlNode node, string what)
    {
        var value = Scalar(node, what);
        if (node is YamlScalarNode { Style: ScalarStyle.Plain })
        {
            if (value is "true" or "True" or "TRUE")
            {
                return "true";
            }

            if (value is "false" or "False" or "FALSE")
            {
                return "false";
            }
        }

        return value;
    }

    /// <summary>The string keys of a mapping with their values, failing on keys that are not plain values.</summary>
    public IEnumerable<(string Key, YamlNode KeyNode, YamlNode Value)> Entries(YamlMappingNode mapping, string what)
    {
        foreach (var (key, value) in mapping.Children)
        {
            yield return (Scalar(key, $"a key of {what}"), key, value);
        }
    }

    public static bool IsNull(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    public static bool IsEmptyDocument(YamlDocument document) =>
        document.RootNode is YamlScalarNode scalar && IsNull(scalar);

    private static int ToInt(long value) => value > int.MaxValue ? int.MaxValue : (int)value;

    private static string StripPosition(string message) =>
        PositionPrefix().Replace(message, string.Empty).Replace("  ", " ", StringComparison.Ordinal).Trim();

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ", RegexOptions.CultureInvariant)]
    private static partial Regex PositionPrefix();
}
