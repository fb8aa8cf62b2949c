using System.Collections.Immutable;
using MeshClient.Registry;

namespace MeshClient.Xds.Protocol;

/// <summary>A validated ClusterLoadAssignment from an EDS response.</summary>
/// <param name="ServiceName">The resource name (cluster_name): the EDS service name it was requested by.</param>
/// <param name="Endpoints">The endpoints, in the order Pilot sent them.</param>
internal sealed record DecodedLoadAssignment(string ServiceName, ImmutableArray<MeshEndpoint> Endpoints);
