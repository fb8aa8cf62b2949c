using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MeshClient.Samples.Demo;

/// <summary>Prints calls per subset as a text bar chart, or as one JSON document.</summary>
internal static class DemoReport
{
    public static string Text(int calls, int failed, IReadOnlyDictionary<string, int> subsets)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{calls} calls to reviews through the mesh, {failed} failed");
        foreach (var (subset, count) in subsets.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var share = calls == 0 ? 0 : count * 100.0 / calls;
            var bar = new string('#', (int)Math.Round(share / 2));
            text.AppendLine(CultureInfo.InvariantCulture, $"  {subset,-4} {count,5}  {share,5:0.0}%  {bar}");
        }

        return text.ToString();
    }

    public static string Json(int calls, int failed, IReadOnlyDictionary<string, int> subsets)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("calls", calls);
            json.WriteNumber("failed", failed);
            json.WriteStartObject("subsets");
            foreach (var (subset, count) in subsets.OrderBy(s => s.Key, StringComparer.Ordinal))
            {
                json.WriteNumber(subset, count);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
