using System.Collections.Immutable;
using Google.Protobuf;
using MeshClient.Registry;
using MeshClient.Xds.Protos.Discovery;
using MeshClient.Xds.Protos.Endpoint;

namespace MeshClient.Xds.Protocol;

/// <summary>
/// Decodes and validates EDS responses (ClusterLoadAssignment resources) and maps load assignments to
/// <see cref="MeshEndpoint"/>s.
/// </summary>
/// <remarks>
/// Mapping of each <c>LbEndpoint</c>: address and port from <c>endpoint.address.socket_address</c> (required; the port
/// must be a <c>port_value</c> from 1 to 65535); health from <c>health_status</c>; weight from
/// <c>load_balancing_weight</c> (1 when absent); locality, locality weight (1 when absent) and priority from the
/// enclosing <c>LocalityLbEndpoints</c>. Labels merge the string fields of <c>metadata.filter_metadata["envoy.lb"]</c>
/// with the string fields of the struct <c>metadata.filter_metadata["istio"].labels</c>; on a clash the Istio labels
/// win. The endpoint has a sidecar (gets the cluster's <c>tlsMode: istio</c> TLS settings) when
/// <c>metadata.filter_metadata["envoy.transport_socket_match"].tlsMode</c> is <c>istio</c>. Fields of other types and
/// all other metadata are ignored.
/// </remarks>
internal static partial class EndpointResourceDecoder
{
    /// <summary>The filter metadata key whose string fields are endpoint labels (Envoy's subset load balancer key).</summary>
    public const string EnvoyLbMetadataKey = "envoy.lb";

    /// <summary>The filter metadata key whose <c>labels</c> struct holds endpoint labels.</summary>
    public const string IstioMetadataKey = "istio";

    /// <summary>The filter metadata key whose <c>tlsMode</c> field marks an endpoint with an Istio sidecar.</summary>
    public const string TransportSocketMatchKey = "envoy.transport_socket_match";

    /// <summary>
    /// Decodes an EDS response resource by resource (gRFC A46), keeping only the resources that were requested. An
    /// invalid resource is recorded in <paramref name="errors"/> and left out; the others are returned.
    /// </summary>
    /// <param name="response">The response.</param>
    /// <param name="requested">The names the client subscribed to.</param>
    /// <param name="limits">The per-cluster endpoint and label limits.</param>
    /// <param name="errors">Receives the invalid resources.</param>
    /// <param name="skipped">Receives the address kinds of endpoints skipped because the client cannot call them.</param>
    /// <param name="ignored">How many valid resources were dropped because they were not requested.</param>
    /// <param name="previous">
    /// The endpoints an assignment had before, if any: endpoints of the response equal to one of them reuse it, so an
    /// unchanged endpoint stays the same object and a push costs no memory for what it repeats.
    /// </param>
    /// <returns>The valid requested assignments in the order of the response.</returns>
    public static List<DecodedLoadAssignment> Decode(
        DiscoveryResponse response,
        IReadOnlySet<string> requested,
        XdsResourceLimits limits,
        XdsResourceErrors errors,
        ISet<string> skipped,
        out int ignored,
        Func<string, ImmutableArray<MeshEndpoint>>? previous = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(requested);
        var interner = new EndpointInterner();
        var assignments = Unpack(response, limits, interner, errors);
        var duplicates = DiscoveryResponseReader.FindDuplicates(assignments, a => a.Name, "cluster_load_assignment", errors);
        var decoded = new List<DecodedLoadAssignment>(assignments.Count);
        ignored = 0;
        foreach (var (i, (resourceName, parsed, read)) in assignments)
        {
            var name = resourceName;
            if (name.Length == 0)
            {
                errors.Add(null, $"resource {i}: cluster_load_assignment has no cluster_name");
                continue;
            }

            if (duplicates.Contains(name))
            {
                continue;
            }

            if (!requested.Contains(name))
            {
                ignored++;
                continue;
            }

            // The subscribed name is the string the cache and the stream already hold: keep that one, not a copy per push.
            if (requested is HashSet<string> set && set.TryGetValue(name, out var subscribed))
            {
                name = subscribed;
            }

            var before = previous?.Invoke(name) ?? default;
            if (parsed is null)
            {
                decoded.Add(new DecodedLoadAssignment(name, ReuseUnchanged(read, before)));
                continue;
            }

            try
            {
                if (!before.IsDefaultOrEmpty)
                {
                    interner.Offer(before);
                }

                var endpoints = ToEndpoints(parsed, $"cluster_load_assignment \"{name}\"", limits, skipped, interner);
                decoded.Add(new DecodedLoadAssignment(name, endpoints));
            }
            catch (XdsResourceException ex)
            {
                errors.Add(name, ex.Message);
            }
        }

        return decoded;
    }

    /// <summary>
    /// Unpacks every resource as <see cref="DiscoveryResponseReader.Unpack"/> does: each one the fast reader
    /// (<see cref="LoadAssignmentWireReader"/>) takes is read straight into endpoints; any other goes through the
    /// generated parser (and later <see cref="ToEndpoints"/>), which reports what is wrong with it.
    /// </summary>
    private static List<(int Index, UnpackedAssignment Resource)> Unpack(DiscoveryResponse response, XdsResourceLimits limits, EndpointInterner interner, XdsResourceErrors errors)
    {
        var resources = new List<(int, UnpackedAssignment)>(response.Resources.Count);
        for (var i = 0; i < response.Resources.Count; i++)
        {
            var any = response.Resources[i];
            if (!string.Equals(any.TypeUrl, response.TypeUrl, StringComparison.Ordinal))
            {
                errors.Add(null, $"resource {i}: type URL \"{any.TypeUrl}\" does not match the response's type URL \"{response.TypeUrl}\"");
                continue;
            }

            if (LoadAssignmentWireReader.TryRead(any.Value.Span, limits, interner, out var name, out var endpoints))
            {
                resources.Add((i, new UnpackedAssignment(name, null, endpoints)));
                continue;
            }

            try
            {
                var parsed = ClusterLoadAssignment.Parser.ParseFrom(any.Value);
                resources.Add((i, new UnpackedAssignment(parsed.ClusterName, parsed, default)));
            }
            catch (InvalidProtocolBufferException ex)
            {
                errors.Add(null, $"resource {i}: cannot decode ClusterLoadAssignment: {ex.Message}");
            }
        }

        return resources;
    }

    /// <summary>The endpoints with every one equal to an endpoint the assignment had before replaced by that one.</summary>
    private static ImmutableArray<MeshEndpoint> ReuseUnchanged(ImmutableArray<MeshEndpoint> endpoints, ImmutableArray<MeshEndpoint> before)
    {
        if (before.IsDefaultOrEmpty || endpoints.IsEmpty)
        {
            return endpoints;
        }

        var interner = new EndpointInterner();
        interner.Offer(before);
        var builder = ImmutableArray.CreateBuilder<MeshEndpoint>(endpoints.Length);
        var same = endpoints.Length == before.Length;
        for (var i = 0; i < endpoints.Length; i++)
        {
            var shared = interner.Endpoint(endpoints[i]);
            same = same && ReferenceEquals(shared, before[i]);
            builder.Add(shared);
        }

        return same ? before : builder.MoveToImmutable();
    }

    /// <summary>A resource as unpacked: its name, and either the generated message or the endpoints the fast reader read.</summary>
    private readonly record struct UnpackedAssignment(string Name, ClusterLoadAssignment? Parsed, ImmutableArray<MeshEndpoint> Read);
}
