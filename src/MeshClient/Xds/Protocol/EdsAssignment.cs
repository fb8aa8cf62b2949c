using System.Collections.Immutable;
using MeshClient.Registry;

namespace MeshClient.Xds.Protocol;

/// <summary>
/// The endpoints of one EDS name and the clusters that use it (Istio: exactly one, named like the resource).
/// </summary>
internal sealed class EdsAssignment
{
    private string? _firstUser;
    private HashSet<string>? _otherUsers;

    /// <summary>The endpoints; <see langword="null"/> until the assignment arrives.</summary>
    public ImmutableArray<MeshEndpoint>? Endpoints { get; set; }

    /// <summary>How many clusters use the name.</summary>
    public int Users => (_firstUser is null ? 0 : 1) + (_otherUsers?.Count ?? 0);

    public void AddUser(string cluster)
    {
        if (_firstUser is null)
        {
            _firstUser = cluster;
        }
        else if (!string.Equals(_firstUser, cluster, StringComparison.Ordinal))
        {
            (_otherUsers ??= new HashSet<string>(StringComparer.Ordinal)).Add(cluster);
        }
    }

    public void RemoveUser(string cluster)
    {
        if (string.Equals(_firstUser, cluster, StringComparison.Ordinal))
        {
            _firstUser = null;
            if (_otherUsers is { Count: > 0 } others)
            {
                _firstUser = others.First();
                others.Remove(_firstUser);
            }
        }
        else
        {
            _otherUsers?.Remove(cluster);
        }
    }

    /// <summary>The names of the clusters that use the name.</summary>
    public IEnumerable<string> UserNames()
    {
        if (_firstUser is not null)
        {
            yield return _firstUser;
        }

        if (_otherUsers is not null)
        {
            foreach (var other in _otherUsers)
            {
                yield return other;
            }
        }
    }
}
