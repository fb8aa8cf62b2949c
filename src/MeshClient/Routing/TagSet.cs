using System.Collections.Frozen;
using System.Text;

namespace MeshClient.Routing;

/// <summary>
/// A set of tags (label name and value) that endpoints must carry, compared as strings. Immutable; two sets with the
/// same pairs are equal whatever order they were written in.
/// </summary>
internal sealed class TagSet : IEquatable<TagSet>
{
    private readonly KeyValuePair<string, string>[] _pairs;

    private TagSet(KeyValuePair<string, string>[] pairs)
    {
        Array.Sort(pairs, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        _pairs = pairs;
        Tags = pairs.ToFrozenDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var key = new StringBuilder();
        foreach (var (name, value) in pairs)
        {
            key.Append(key.Length == 0 ? "{" : ", ").Append(name).Append('=').Append(value);
        }

        Key = pairs.Length == 0 ? "{}" : key.Append('}').ToString();
    }

    /// <summary>The empty set, which every endpoint satisfies.</summary>
    public static TagSet Empty { get; } = new([]);

    /// <summary>The tags by name.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; }

    /// <summary>A canonical text, <c>{debug=true, version=v2}</c>, for comparing and explaining.</summary>
    public string Key { get; }

    public int Count => _pairs.Length;

    public static TagSet Create(IEnumerable<KeyValuePair<string, string>> pairs) => new(pairs.ToArray());

    /// <summary>Whether <paramref name="labels"/> contain every tag with the same value.</summary>
    public bool IsSatisfiedBy(IReadOnlyDictionary<string, string> labels)
    {
        foreach (var (name, value) in _pairs)
        {
            if (!labels.TryGetValue(name, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public bool Equals(TagSet? other) => other is not null && string.Equals(Key, other.Key, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as TagSet);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Key);

    public override string ToString() => Key;
}
