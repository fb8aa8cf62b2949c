using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace MeshClient.Routing;

/// <summary>
/// A regex that is an anchored alternation of plain literals (<c>^(anna|bob)$</c>, <c>^(?:a|b)$</c>, <c>^anna$</c>)
/// matches exactly the values in a set: looked up as a span, without running the regex. Only ASCII letters, digits,
/// <c>_</c>, <c>-</c> and escaped <c>\.</c> count as literals, with no option that changes the meaning of the anchors
/// (the parser compiles every regex culture-invariant, so case-insensitive means ordinal ignore-case for ASCII).
/// </summary>
internal sealed class RegexLiteralSet
{
    private const RegexOptions Harmless = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled
        | RegexOptions.ExplicitCapture | RegexOptions.Singleline;

    /// <summary>Up to this many literals are compared one by one (cheaper than hashing the value); more go through the set.</summary>
    internal const int MaxScanned = 8;

    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly string[]? _scanned;
    private readonly bool _ignoreCase;

    private RegexLiteralSet(FrozenSet<string> values, bool ignoreCase)
    {
        Values = values;
        _ignoreCase = ignoreCase;
        _lookup = values.GetAlternateLookup<ReadOnlySpan<char>>();
        _scanned = values.Count <= MaxScanned ? [.. values] : null;
    }

    /// <summary>The literals.</summary>
    public FrozenSet<string> Values { get; }

    /// <summary>The set <paramref name="regex"/> stands for, or <see langword="null"/> when it is not such an alternation.</summary>
    public static RegexLiteralSet? TryCreate(Regex regex)
    {
        if ((regex.Options & ~Harmless) != 0 || regex.RightToLeft)
        {
            return null;
        }

        var pattern = regex.ToString();
        if (pattern.Length < 2 || pattern[0] != '^' || pattern[^1] != '$')
        {
            return null;
        }

        var body = pattern[1..^1];
        if (body.StartsWith("(?:", StringComparison.Ordinal) && body.EndsWith(')'))
        {
            body = body[3..^1];
        }
        else if (body.StartsWith('(') && body.EndsWith(')'))
        {
            body = body[1..^1];
        }

        var values = new List<string>();
        foreach (var alternative in body.Split('|'))
        {
            if (ToLiteral(alternative) is not { } literal)
            {
                return null;
            }

            values.Add(literal);
        }

        var ignoreCase = (regex.Options & RegexOptions.IgnoreCase) != 0;
        var comparer = ignoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
        return new RegexLiteralSet(values.ToFrozenSet(comparer), ignoreCase);
    }

    /// <summary>Whether the regex would match <paramref name="value"/> (<c>$</c> also matches before a final newline).</summary>
    public bool Matches(ReadOnlySpan<char> value)
    {
        if (Contains(value))
        {
            return true;
        }

        return value.Length > 0 && value[^1] == '\n' && Contains(value[..^1]);
    }

    private bool Contains(ReadOnlySpan<char> value)
    {
        if (_scanned is null)
        {
            return _lookup.Contains(value);
        }

        foreach (var literal in _scanned)
        {
            if (literal.Length == value.Length
                && (_ignoreCase ? value.Equals(literal, StringComparison.OrdinalIgnoreCase) : value.SequenceEqual(literal)))
            {
                return true;
            }
        }

        return false;
    }

    private static string? ToLiteral(string text)
    {
        if (text.Length == 0)
        {
            return null;
        }

        var literal = new System.Text.StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiLetterOrDigit(c) || c is '_' or '-')
            {
                literal.Append(c);
            }
            else if (c == '\\' && i + 1 < text.Length && text[i + 1] == '.')
            {
                literal.Append('.');
                i++;
            }
            else
            {
                return null;
            }
        }

        return literal.ToString();
    }
}
