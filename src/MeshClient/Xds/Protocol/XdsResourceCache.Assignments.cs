using System.Collections.Immutable;
using MeshClient.Registry;

namespace MeshClient.Xds.Protocol;

/// <summary>The EDS side of the cache: the endpoints of each EDS name, per resource.</summary>
internal sealed partial class XdsResourceCache
{
    /// <summary>Applies EDS assignments; assignments of other names stay as they are.</summary>
    /// <param name="assignments">The assignments.</param>
    public void ApplyAssignments(IEnumerable<DecodedLoadAssignment> assignments)
    {
        foreach (var assignment in assignments)
        {
            UpsertAssignment(assignment);
        }
    }

    /// <summary>
    /// Sets the endpoints of an EDS name; the clusters that use it are marked changed unless the endpoints are the
    /// same. An assignment no cluster uses yet is kept until the next full CDS set.
    /// </summary>
    /// <param name="assignment">The assignment.</param>
    /// <returns>Whether anything changed.</returns>
    public bool UpsertAssignment(DecodedLoadAssignment assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        if (!_assignments.TryGetValue(assignment.ServiceName, out var entry))
        {
            entry = new EdsAssignment();
            _assignments.Add(assignment.ServiceName, entry);
            _unused.Add(assignment.ServiceName);
        }

        if (entry.Endpoints is { } before && SameEndpoints(before, assignment.Endpoints))
        {
            return false;
        }

        SetEndpoints(entry, assignment.Endpoints);
        return true;
    }

    /// <summary>Forgets the endpoints of an EDS name: its clusters go back to having received none.</summary>
    /// <param name="serviceName">The EDS name.</param>
    /// <returns>Whether endpoints were known for it.</returns>
    public bool RemoveAssignment(string serviceName)
    {
        if (!_assignments.TryGetValue(serviceName, out var entry) || entry.Endpoints is null)
        {
            return false;
        }

        SetEndpoints(entry, null);
        return true;
    }

    /// <summary>Whether endpoints for an EDS name are known.</summary>
    public bool HasAssignment(string serviceName) => _assignments.TryGetValue(serviceName, out var entry) && entry.Endpoints is not null;

    /// <summary>The endpoints known for an EDS name; default when none are.</summary>
    public ImmutableArray<MeshEndpoint> GetEndpoints(string serviceName) =>
        _assignments.TryGetValue(serviceName, out var entry) && entry.Endpoints is { } endpoints ? endpoints : default;

    private void SetEndpoints(EdsAssignment entry, ImmutableArray<MeshEndpoint>? endpoints)
    {
        _endpointCount += ((endpoints?.Length ?? 0) - (entry.Endpoints?.Length ?? 0)) * (long)entry.Users;
        entry.Endpoints = endpoints;
        foreach (var user in entry.UserNames())
        {
            _dirty.Add(user);
        }
    }
}
