using System.Text.RegularExpressions;

namespace MeshClient.Registry;

/// <summary>
/// One subject-alt-name check of a cluster's peer TLS settings (Envoy's <c>SubjectAltNameMatcher</c> or untyped
/// <c>StringMatcher</c>): a peer certificate passes when one of its SANs of <see cref="Type"/> matches. Istio sends
/// exact SPIFFE URIs (<c>spiffe://cluster.local/ns/NS/sa/ACCOUNT</c>). Immutable.
/// </summary>
internal sealed class SubjectAltNameMatcher : IEquatable<SubjectAltNameMatcher>
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);
    private readonly Regex? _regex;

    /// <summary>Creates a matcher.</summary>
    /// <param name="type">The SAN kind compared; <see cref="SubjectAltNameType.Any"/> for every kind.</param>
    /// <param name="kind">How the pattern is compared.</param>
    /// <param name="pattern">The pattern; not empty.</param>
    /// <param name="ignoreCase">Whether case is ignored (not for regular expressions, as in Envoy).</param>
    /// <exception cref="ArgumentException">The pattern is empty, or not a valid regular expression.</exception>
    public SubjectAltNameMatcher(SubjectAltNameType type, StringMatchKind kind, string pattern, bool ignoreCase = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        Type = type;
        Kind = kind;
        Pattern = pattern;
        IgnoreCase = ignoreCase && kind != StringMatchKind.Regex;
        if (kind == StringMatchKind.Regex)
        {
            // Envoy's safe_regex is RE2, matched against the whole value; .NET's non-backtracking engine is the closest.
            _regex = new Regex($"^(?:{pattern})$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, RegexTimeout);
        }
    }

    /// <summary>The SAN kind compared.</summary>
    public SubjectAltNameType Type { get; }

    /// <summary>How the pattern is compared.</summary>
    public StringMatchKind Kind { get; }

    /// <summary>The pattern.</summary>
    public string Pattern { get; }

    /// <summary>Whether case is ignored.</summary>
    public bool IgnoreCase { get; }

    /// <summary>Whether a SAN of kind <paramref name="type"/> with value <paramref name="value"/> passes.</summary>
    /// <param name="type">The SAN's kind (never <see cref="SubjectAltNameType.Any"/>).</param>
    /// <param name="value">The SAN's value.</param>
    /// <returns><see langword="true"/> when it matches.</returns>
    public bool Matches(SubjectAltNameType type, string value)
    {
        if (Type != SubjectAltNameType.Any && Type != type)
        {
            return false;
        }

        var comparison = IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return Kind switch
        {
            StringMatchKind.Exact => string.Equals(value, Pattern, comparison),
            StringMatchKind.Prefix => value.StartsWith(Pattern, comparison),
            StringMatchKind.Suffix => value.EndsWith(Pattern, comparison),
            StringMatchKind.Contains => value.Contains(Pattern, comparison),
            _ => _regex!.IsMatch(value),
        };
    }

    /// <inheritdoc />
    public bool Equals(SubjectAltNameMatcher? other) =>
        other is not null && Type == other.Type && Kind == other.Kind && IgnoreCase == other.IgnoreCase && string.Equals(Pattern, other.Pattern, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as SubjectAltNameMatcher);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Type, Kind, IgnoreCase, StringComparer.Ordinal.GetHashCode(Pattern));

    /// <inheritdoc />
    public override string ToString()
    {
        var type = Type == SubjectAltNameType.Any ? "SAN" : Type + " SAN";
        var kind = Kind == StringMatchKind.Exact ? "=" : " " + Kind.ToString().ToLowerInvariant() + " ";
        return $"{type}{kind}'{Pattern}'{(IgnoreCase ? " (ignoring case)" : string.Empty)}";
    }
}
