using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace MeshClient.Registry;

/// <summary>
/// An endpoint's labels in one array of keys and values, sorted by key (ordinal): about 80 bytes for two labels where
/// a frozen dictionary takes several hundred, and shareable by every endpoint with the same labels (the EDS decoder
/// interns them). Immutable.
/// </summary>
internal sealed class EndpointLabels : IReadOnlyDictionary<string, string>
{
    private readonly string[] _items;

    private EndpointLabels(string[] items)
    {
        _items = items;
    }

    /// <summary>No labels.</summary>
    public static EndpointLabels Empty { get; } = new([]);

    public int Count => _items.Length / 2;

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The endpoint has no label '{key}'.");

    public IEnumerable<string> Keys
    {
        get
        {
            for (var i = 0; i < _items.Length; i += 2)
            {
                yield return _items[i];
            }
        }
    }

    public IEnumerable<string> Values
    {
        get
        {
            for (var i = 1; i < _items.Length; i += 2)
            {
                yield return _items[i];
            }
        }
    }

    /// <summary>The labels of <paramref name="labels"/>; the same instance when it already is one.</summary>
    /// <param name="labels">Labels; keys compared ordinally.</param>
    /// <returns>The labels.</returns>
    public static EndpointLabels From(IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is EndpointLabels own)
        {
            return own;
        }

        if (labels is null || labels.Count == 0)
        {
            return Empty;
        }

        var pairs = labels.ToArray();
        Array.Sort(pairs, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var items = new string[pairs.Length * 2];
        for (var i = 0; i < pairs.Length; i++)
        {
            items[2 * i] = pairs[i].Key;
            items[(2 * i) + 1] = pairs[i].Value;
        }

        return new EndpointLabels(items);
    }

    /// <summary>Labels over <paramref name="items"/>: keys and values interleaved, keys sorted ordinally and unique (not copied).</summary>
    public static EndpointLabels FromSortedItems(string[] items) => items.Length == 0 ? Empty : new EndpointLabels(items);

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        var index = IndexOf(key);
        if (index < 0)
        {
            value = null;
            return false;
        }

        value = _items[(2 * index) + 1];
        return true;
    }

    /// <summary>Whether both hold the same keys with the same values (ordinal).</summary>
    public bool ContentEquals(EndpointLabels other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (_items.Length != other._items.Length)
        {
            return false;
        }

        for (var i = 0; i < _items.Length; i++)
        {
            if (!string.Equals(_items[i], other._items[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A hash of the content, equal for labels with equal content.</summary>
    public int ContentHash()
    {
        var hash = default(HashCode);
        foreach (var item in _items)
        {
            hash.Add(item, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        for (var i = 0; i < _items.Length; i += 2)
        {
            yield return new KeyValuePair<string, string>(_items[i], _items[i + 1]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var low = 0;
        var high = Count - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var order = string.CompareOrdinal(_items[2 * middle], key);
            if (order == 0)
            {
                return middle;
            }

            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return -1;
    }
}
