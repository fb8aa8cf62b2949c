using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace MeshClient.Registry;

/// <summary>
/// An endpoint's labels as an array of keys, sorted ordinally, and an array of their values: about 90 bytes for four
/// labels where a frozen dictionary takes several hundred. The whole set is shared by every endpoint with the same
/// labels, and the key array by every set with the same keys (the EDS decoder interns both: Istio's pods all carry
/// <c>app</c>, <c>pod-template-hash</c>, <c>security.istio.io/tlsMode</c>, <c>version</c>). Immutable.
/// </summary>
internal sealed class EndpointLabels : IReadOnlyDictionary<string, string>
{
    private readonly string[] _keys;
    private readonly string[] _values;

    private EndpointLabels(string[] keys, string[] values)
    {
        _keys = keys;
        _values = values;
    }

    /// <summary>No labels.</summary>
    public static EndpointLabels Empty { get; } = new([], []);

    public int Count => _keys.Length;

    /// <summary>The sorted keys (shared: never written).</summary>
    internal string[] KeyArray => _keys;

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The endpoint has no label '{key}'.");

    public IEnumerable<string> Keys
    {
        get
        {
            foreach (var key in _keys)
            {
                yield return key;
            }
        }
    }

    public IEnumerable<string> Values
    {
        get
        {
            foreach (var value in _values)
            {
                yield return value;
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
        var keys = new string[pairs.Length];
        var values = new string[pairs.Length];
        for (var i = 0; i < pairs.Length; i++)
        {
            (keys[i], values[i]) = (pairs[i].Key, pairs[i].Value);
        }

        return new EndpointLabels(keys, values);
    }

    /// <summary>Labels over <paramref name="keys"/> (sorted ordinally, unique) and their <paramref name="values"/> (neither copied).</summary>
    public static EndpointLabels FromSorted(string[] keys, string[] values) => keys.Length == 0 ? Empty : new EndpointLabels(keys, values);

    /// <summary>The same labels over <paramref name="keys"/>, an array with the same content as this one's keys.</summary>
    public EndpointLabels WithKeyArray(string[] keys) => ReferenceEquals(keys, _keys) ? this : new EndpointLabels(keys, _values);

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        var index = IndexOf(key);
        if (index < 0)
        {
            value = null;
            return false;
        }

        value = _values[index];
        return true;
    }

    /// <summary>Whether both hold the same keys with the same values (ordinal).</summary>
    public bool ContentEquals(EndpointLabels other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (_keys.Length != other._keys.Length)
        {
            return false;
        }

        var sameKeys = ReferenceEquals(_keys, other._keys);
        for (var i = 0; i < _keys.Length; i++)
        {
            if ((!sameKeys && !string.Equals(_keys[i], other._keys[i], StringComparison.Ordinal))
                || !string.Equals(_values[i], other._values[i], StringComparison.Ordinal))
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
        for (var i = 0; i < _keys.Length; i++)
        {
            hash.Add(_keys[i], StringComparer.Ordinal);
            hash.Add(_values[i], StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        for (var i = 0; i < _keys.Length; i++)
        {
            yield return new KeyValuePair<string, string>(_keys[i], _values[i]);
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
            var order = string.CompareOrdinal(_keys[middle], key);
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
