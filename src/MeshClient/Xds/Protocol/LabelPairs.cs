namespace MeshClient.Xds.Protocol;

/// <summary>
/// The labels the fast EDS path collects for one endpoint: the string fields of <c>envoy.lb</c> and of
/// <c>istio.labels</c> (the Istio ones win on a clash), merged as <see cref="EndpointResourceDecoder"/> merges them.
/// A key seen twice in one struct makes the fast path give up (the generated parser's last-wins is left to it).
/// </summary>
internal struct LabelPairs
{
    private List<(string Key, string? Value)>? _envoyLb;
    private List<(string Key, string? Value)>? _istio;
    private bool _envoyLbStarted;
    private bool _istioStarted;

    /// <summary>Starts the <c>envoy.lb</c> struct; <see langword="false"/> when the metadata had one already.</summary>
    public bool StartEnvoyLb() => !_envoyLbStarted && (_envoyLbStarted = true);

    /// <summary>Starts the <c>istio</c> struct; <see langword="false"/> when the metadata had one already.</summary>
    public bool StartIstio() => !_istioStarted && (_istioStarted = true);

    /// <summary>Adds a field of a label struct; a <see langword="null"/> value is a field that is not a string.</summary>
    /// <returns><see langword="false"/> when the struct had the key already.</returns>
    public bool Add(bool istio, string key, string? value)
    {
        var list = istio ? (_istio ??= []) : (_envoyLb ??= []);
        foreach (var (existing, _) in list)
        {
            if (string.Equals(existing, key, StringComparison.Ordinal))
            {
                return false;
            }
        }

        list.Add((key, value));
        return true;
    }

    /// <summary>The merged labels as sorted keys and their values, or <see langword="null"/> for none.</summary>
    /// <returns><see langword="false"/> when a limit is exceeded (the generated path reports it).</returns>
    public readonly bool TryBuild(XdsResourceLimits limits, out string[]? keys, out string[]? values)
    {
        keys = null;
        values = null;
        var merged = new SortedList<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in _envoyLb ?? [])
        {
            if (value is not null)
            {
                merged[key] = value;
            }
        }

        foreach (var (key, value) in _istio ?? [])
        {
            if (value is not null)
            {
                merged[key] = value;
            }
        }

        if (merged.Count == 0)
        {
            return true;
        }

        if (merged.Count > limits.MaxLabelsPerEndpoint)
        {
            return false;
        }

        keys = new string[merged.Count];
        values = new string[merged.Count];
        var i = 0;
        foreach (var (key, value) in merged)
        {
            if (key.Length > limits.MaxLabelLength || value.Length > limits.MaxLabelLength)
            {
                return false;
            }

            (keys[i], values[i]) = (key, value);
            i++;
        }

        return true;
    }
}
