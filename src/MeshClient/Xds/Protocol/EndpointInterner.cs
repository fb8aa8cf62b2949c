using MeshClient.Registry;

namespace MeshClient.Xds.Protocol;

/// <summary>
/// Shares what repeats among the endpoints of one response (and with the endpoints a cluster had before): address,
/// locality and label strings, localities, label sets, and whole endpoints (Istio sends a pod once per cluster it is
/// in: the service's cluster and each subset's). Lives for one response, so it holds nothing once the response is applied.
/// </summary>
internal sealed class EndpointInterner
{
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<EndpointLocality, EndpointLocality> _localities = [];
    private readonly Dictionary<EndpointPlacement, EndpointPlacement> _placements = [];
    private EndpointPlacement? _lastPlacement;
    private readonly Dictionary<LabelsKey, EndpointLabels> _labels = [];
    private readonly Dictionary<KeysKey, string[]> _keyArrays = [];
    private readonly Dictionary<EndpointKey, MeshEndpoint> _endpoints = [];

    /// <summary>The shared instance of a string.</summary>
    public string String(string value)
    {
        if (value.Length == 0)
        {
            return string.Empty;
        }

        if (_strings.TryGetValue(value, out var shared))
        {
            return shared;
        }

        _strings.Add(value, value);
        return value;
    }

    /// <summary>The shared string of UTF-8 bytes; decoded only when it is new.</summary>
    public string String(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return string.Empty;
        }

        if (utf8.Length > 256)
        {
            return String(ProtoWireReader.Decode(utf8));
        }

        Span<char> chars = stackalloc char[utf8.Length];
        var length = System.Text.Encoding.UTF8.GetChars(utf8, chars);
        var lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(chars[..length], out var shared))
        {
            return shared;
        }

        var value = new string(chars[..length]);
        _strings.Add(value, value);
        return value;
    }

    /// <summary>The shared label set of sorted keys and their values (strings already shared; the arrays are taken, not copied).</summary>
    public EndpointLabels Labels(string[]? keys, string[]? values)
    {
        if (keys is null || values is null || keys.Length == 0)
        {
            return EndpointLabels.Empty;
        }

        var labels = EndpointLabels.FromSorted(keys, values);
        var key = new LabelsKey(labels);
        if (_labels.TryGetValue(key, out var shared))
        {
            return shared;
        }

        labels = ShareKeys(labels);
        _labels.Add(new LabelsKey(labels), labels);
        return labels;
    }

    /// <summary>The shared locality with these parts.</summary>
    public EndpointLocality Locality(string region, string zone, string subZone)
    {
        if (region.Length == 0 && zone.Length == 0 && subZone.Length == 0)
        {
            return EndpointLocality.None;
        }

        var locality = new EndpointLocality(String(region), String(zone), String(subZone));
        if (_localities.TryGetValue(locality, out var shared))
        {
            return shared;
        }

        _localities.Add(locality, locality);
        return locality;
    }

    /// <summary>The shared placement with these parts (the locality already shared).</summary>
    public EndpointPlacement Placement(EndpointLocality locality, uint localityWeight, uint priority, uint weight)
    {
        // The endpoints of a locality group come one after another: most find the placement of the one before.
        if (_lastPlacement is { } last && ReferenceEquals(last.Locality, locality) && last.LocalityWeight == localityWeight
            && last.Priority == priority && last.Weight == weight)
        {
            return last;
        }

        var placement = EndpointPlacement.Of(locality, localityWeight, priority, weight);
        if (ReferenceEquals(placement, EndpointPlacement.Default))
        {
            return placement;
        }

        if (_placements.TryGetValue(placement, out var shared))
        {
            _lastPlacement = shared;
            return shared;
        }

        _placements.Add(placement, placement);
        _lastPlacement = placement;
        return placement;
    }

    /// <summary>The shared label set with the content of <paramref name="labels"/> (keys and values interned).</summary>
    public EndpointLabels Labels(Dictionary<string, string>? labels)
    {
        if (labels is null || labels.Count == 0)
        {
            return EndpointLabels.Empty;
        }

        var own = EndpointLabels.From(labels);
        var key = new LabelsKey(own);
        if (_labels.TryGetValue(key, out var shared))
        {
            return shared;
        }

        var interned = ShareKeys(EndpointLabels.From(own.ToDictionary(l => String(l.Key), l => String(l.Value), StringComparer.Ordinal)));
        _labels.Add(new LabelsKey(interned), interned);
        return interned;
    }

    /// <summary>The labels over the key array shared by every label set of the response with the same keys.</summary>
    private EndpointLabels ShareKeys(EndpointLabels labels)
    {
        var key = new KeysKey(labels.KeyArray);
        if (_keyArrays.TryGetValue(key, out var keys))
        {
            return labels.WithKeyArray(keys);
        }

        _keyArrays.Add(key, labels.KeyArray);
        return labels;
    }

    /// <summary>Remembers the endpoints a cluster had, so equal endpoints of the response reuse them.</summary>
    public void Offer(IEnumerable<MeshEndpoint> previous)
    {
        foreach (var endpoint in previous)
        {
            _endpoints.TryAdd(new EndpointKey(endpoint), endpoint);
        }
    }

    /// <summary>The shared endpoint equal to <paramref name="endpoint"/>.</summary>
    public MeshEndpoint Endpoint(MeshEndpoint endpoint)
    {
        var key = new EndpointKey(endpoint);
        if (_endpoints.TryGetValue(key, out var shared))
        {
            return shared;
        }

        _endpoints.Add(key, endpoint);
        return endpoint;
    }

    private readonly struct LabelsKey(EndpointLabels labels) : IEquatable<LabelsKey>
    {
        private readonly int _hash = labels.ContentHash();

        public EndpointLabels Labels { get; } = labels;

        public bool Equals(LabelsKey other) => _hash == other._hash && Labels.ContentEquals(other.Labels);

        public override bool Equals(object? obj) => obj is LabelsKey other && Equals(other);

        public override int GetHashCode() => _hash;
    }

    private readonly struct KeysKey(string[] keys) : IEquatable<KeysKey>
    {
        private readonly int _hash = Hash(keys);

        public string[] Keys { get; } = keys;

        public bool Equals(KeysKey other) => _hash == other._hash && Keys.AsSpan().SequenceEqual(other.Keys, StringComparer.Ordinal);

        public override bool Equals(object? obj) => obj is KeysKey other && Equals(other);

        public override int GetHashCode() => _hash;

        private static int Hash(string[] keys)
        {
            var hash = default(HashCode);
            foreach (var key in keys)
            {
                hash.Add(key, StringComparer.Ordinal);
            }

            return hash.ToHashCode();
        }
    }

    private readonly struct EndpointKey(MeshEndpoint endpoint) : IEquatable<EndpointKey>
    {
        public MeshEndpoint Endpoint { get; } = endpoint;

        public bool Equals(EndpointKey other) => ClusterContent.Equal(Endpoint, other.Endpoint);

        public override bool Equals(object? obj) => obj is EndpointKey other && Equals(other);

        public override int GetHashCode() => HashCode.Combine(
            Endpoint.AddressTextHash(),
            Endpoint.Port,
            Endpoint.Health,
            Endpoint.Weight,
            Endpoint.Priority,
            Endpoint.OwnLabels.Count);
    }
}
