using System.Text;

namespace MeshClient.Tests.Routing.Fuzz;

/// <summary>
/// Mutates a YAML text as a careless edit or a broken transfer would: cut it, drop or insert YAML punctuation,
/// duplicate, swap or re-indent lines, repeat a key, add anchors and aliases, or append random bytes.
/// </summary>
internal sealed class YamlTextMutator(Random random)
{
    private const string Punctuation = "[]{}:,-&*!|>'\"#%@`? \t\n";

    public string Mutate(string text)
    {
        var result = text;
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            result = MutateOnce(result);
        }

        return result;
    }

    private string MutateOnce(string text)
    {
        var lines = text.Split('\n').ToList();
        switch (random.Next(11))
        {
            case 0:
                return text[..random.Next(text.Length + 1)];
            case 1 when text.Length > 0:
                var start = random.Next(text.Length);
                return text.Remove(start, Math.Min(random.Next(1, 8), text.Length - start));
            case 2:
                return text.Insert(random.Next(text.Length + 1), Punctuation[random.Next(Punctuation.Length)].ToString());
            case 3:
                var line = random.Next(lines.Count);
                lines.Insert(line, lines[line]);
                break;
            case 4 when lines.Count > 1:
                var a = random.Next(lines.Count);
                var b = random.Next(lines.Count);
                (lines[a], lines[b]) = (lines[b], lines[a]);
                break;
            case 5:
                var indent = random.Next(lines.Count);
                lines[indent] = random.Next(2) == 0 ? " " + lines[indent] : lines[indent].TrimStart();
                break;
            case 6:
                var target = random.Next(lines.Count);
                lines[target] += random.Next(3) switch { 0 => " &a", 1 => " *a", _ => " !!str" };
                break;
            case 7:
                var bytes = new byte[random.Next(1, 24)];
                random.NextBytes(bytes);
                return text + Encoding.Latin1.GetString(bytes);
            case 8:
                var at = random.Next(text.Length + 1);
                return text.Insert(at, "[" + new string('[', random.Next(0, 80)));
            case 9:
                return "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\n" + text;
            default:
                var replace = random.Next(lines.Count);
                lines[replace] = lines[replace].Replace(":", random.Next(2) == 0 ? ": [" : ": {", StringComparison.Ordinal);
                break;
        }

        return string.Join('\n', lines);
    }
}
