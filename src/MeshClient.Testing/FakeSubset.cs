using System.Collections.Frozen;

namespace MeshClient.Testing;

/// <summary>
/// A subset of a service, as a DestinationRule declares it: <see cref="FakePilot"/> serves the cluster
/// <c>outbound|PORT|NAME|HOST</c> holding the endpoints whose labels contain all of <see cref="Labels"/>.
/// </summary>
public sealed record FakeSubset
{
    /// <summary>Creates a subset.</summary>
    /// <param name="name">The subset name, such as <c>v1</c>; not empty and without <c>|</c>.</param>
    /// <param name="labels">The labels an endpoint must have (all of them) to belong to the subset.</param>
    /// <exception cref="ArgumentException">The name is empty or contains <c>|</c>.</exception>
    public FakeSubset(string name, IReadOnlyDictionary<string, string> labels)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(labels);
        if (name.Contains('|', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The subset name '{name}' contains '|', which separates the parts of a cluster name.", nameof(name));
        }

        Name = name;
        Labels = labels.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The subset name.</summary>
    public string Name { get; }

    /// <summary>The labels an endpoint must have to belong to the subset.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; }

    /// <summary>Whether <paramref name="endpoint"/> belongs to this subset.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <returns><see langword="true"/> when the endpoint's labels contain every label of the subset.</returns>
    public bool Contains(FakeEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        foreach (var (key, value) in Labels)
        {
            if (!endpoint.Labels.TryGetValue(key, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
