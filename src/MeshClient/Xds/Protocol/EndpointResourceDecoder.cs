using System.Collections.Immutable;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using MeshClient.Registry;
using MeshClient.Xds.Protos.Core;
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
internal static class EndpointResourceDecoder
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

    /// <summary>Maps and validates the endpoints of a load assignment.</summary>
    /// <param name="assignment">The load assignment.</param>
    /// <param name="context">Names the assignment in error messages, such as <c>cluster "x": load_assignment</c>.</param>
    /// <param name="limits">The per-cluster endpoint and label limits.</param>
    /// <param name="skipped">
    /// Receives the address kinds (such as <c>EnvoyInternalAddress</c>, <c>Pipe</c>) of endpoints left out because the
    /// client cannot call them; they never make the assignment invalid.
    /// </param>
    /// <param name="interner">Shares repeated strings, localities, labels and endpoints; a new one when <see langword="null"/>.</param>
    /// <returns>The endpoints.</returns>
    /// <exception cref="XdsResourceException">An endpoint has no usable address or port, or a limit is exceeded.</exception>
    public static ImmutableArray<MeshEndpoint> ToEndpoints(ClusterLoadAssignment assignment, string context, XdsResourceLimits limits, ISet<string> skipped, EndpointInterner? interner = null)
    {
        interner ??= new EndpointInterner();
        ArgumentNullException.ThrowIfNull(assignment);
        ArgumentNullException.ThrowIfNull(limits);
        var count = 0L;
        foreach (var group in assignment.Endpoints)
        {
            count += group.LbEndpoints.Count;
        }

        if (count > limits.MaxEndpointsPerCluster)
        {
            throw new XdsResourceException(
                $"{context}: {count} endpoints, over the limit Limits.MaxEndpointsPerCluster ({limits.MaxEndpointsPerCluster})");
        }

        var builder = ImmutableArray.CreateBuilder<MeshEndpoint>((int)count);
        for (var l = 0; l < assignment.Endpoints.Count; l++)
        {
            var group = assignment.Endpoints[l];
            var locality = group.Locality is { } loc ? interner.Locality(loc.Region, loc.Zone, loc.SubZone) : EndpointLocality.None;
            var localityWeight = group.LoadBalancingWeight ?? 1;
            for (var e = 0; e < group.LbEndpoints.Count; e++)
            {
                var lbEndpoint = group.LbEndpoints[e];
                var where = new EndpointPosition(context, l, e);
                if (ReadAddress(lbEndpoint, where, skipped) is not var (address, port))
                {
                    continue;
                }

                builder.Add(interner.Endpoint(new MeshEndpoint(
                    interner.String(address),
                    port,
                    ToHealth(lbEndpoint.HealthStatus),
                    HasIstioTlsMode(lbEndpoint.Metadata),
                    interner.Placement(locality, localityWeight, group.Priority, lbEndpoint.LoadBalancingWeight ?? 1),
                    interner.Labels(ReadLabels(lbEndpoint.Metadata, where, limits)))));
            }
        }

        return builder.DrainToImmutable();
    }

    private static (string Address, int Port)? ReadAddress(LbEndpoint lbEndpoint, EndpointPosition where, ISet<string> skipped)
    {
        if (lbEndpoint.HostIdentifierCase != LbEndpoint.HostIdentifierOneofCase.Endpoint)
        {
            throw new XdsResourceException($"{where}: no endpoint address (endpoint_name is not supported)");
        }

        var address = lbEndpoint.Endpoint.Address;
        if (address is null || address.AddressCase == Address.AddressOneofCase.None)
        {
            throw new XdsResourceException($"{where}: address missing");
        }

        if (address.AddressCase != Address.AddressOneofCase.SocketAddress)
        {
            // An internal listener or a Unix pipe: valid xDS this client cannot call. Skipped, never a rejection.
            skipped.Add(address.AddressCase.ToString());
            return null;
        }

        var socket = address.SocketAddress;
        if (string.IsNullOrWhiteSpace(socket.Address))
        {
            throw new XdsResourceException($"{where}: socket address is empty");
        }

        if (socket.PortSpecifierCase == SocketAddress.PortSpecifierOneofCase.NamedPort)
        {
            throw new XdsResourceException($"{where}: named port \"{socket.NamedPort}\" is not supported");
        }

        if (socket.PortValue is < 1 or > 65535)
        {
            throw new XdsResourceException($"{where}: port {socket.PortValue} out of range 1-65535");
        }

        return (socket.Address, (int)socket.PortValue);
    }

    private static bool HasIstioTlsMode(Metadata? metadata) =>
        metadata is not null
        && metadata.FilterMetadata.TryGetValue(TransportSocketMatchKey, out var match)
        && match.Fields.TryGetValue(PeerTlsDecoder.TlsModeKey, out var mode)
        && mode.KindCase == Value.KindOneofCase.StringValue
        && string.Equals(mode.StringValue, PeerTlsDecoder.IstioTlsMode, StringComparison.Ordinal);

    private static EndpointHealth ToHealth(HealthStatus status) =>
        System.Enum.IsDefined((EndpointHealth)(int)status) ? (EndpointHealth)(int)status : EndpointHealth.Unknown;

    private static Dictionary<string, string>? ReadLabels(Metadata? metadata, EndpointPosition where, XdsResourceLimits limits)
    {
        if (metadata is null)
        {
            return null;
        }

        Dictionary<string, string>? labels = null;
        if (metadata.FilterMetadata.TryGetValue(EnvoyLbMetadataKey, out var envoyLb))
        {
            AddStringFields(envoyLb, ref labels);
        }

        if (metadata.FilterMetadata.TryGetValue(IstioMetadataKey, out var istio)
            && istio.Fields.TryGetValue("labels", out var istioLabels)
            && istioLabels.KindCase == Value.KindOneofCase.StructValue)
        {
            AddStringFields(istioLabels.StructValue, ref labels);
        }

        if (labels is null)
        {
            return null;
        }

        if (labels.Count > limits.MaxLabelsPerEndpoint)
        {
            throw new XdsResourceException($"{where}: {labels.Count} labels, over the limit Limits.MaxLabelsPerEndpoint ({limits.MaxLabelsPerEndpoint})");
        }

        foreach (var (key, value) in labels)
        {
            if (key.Length > limits.MaxLabelLength || value.Length > limits.MaxLabelLength)
            {
                var shown = key.Length > 64 ? key[..64] + "..." : key;
                throw new XdsResourceException(
                    $"{where}: label \"{shown}\" is {Math.Max(key.Length, value.Length)} characters long, over the limit Limits.MaxLabelLength ({limits.MaxLabelLength})");
            }
        }

        return labels;
    }

    private static void AddStringFields(Struct fields, ref Dictionary<string, string>? labels)
    {
        foreach (var (key, value) in fields.Fields)
        {
            if (value.KindCase == Value.KindOneofCase.StringValue)
            {
                labels ??= new Dictionary<string, string>(StringComparer.Ordinal);
                labels[key] = value.StringValue;
            }
        }
    }

    /// <summary>Where an endpoint is, for error messages; formatted only when one is thrown (not once per endpoint).</summary>
    private readonly record struct EndpointPosition(string Context, int Locality, int Endpoint)
    {
        public override string ToString() => $"{Context}: locality {Locality}, endpoint {Endpoint}";
    }

    /// <summary>A resource as unpacked: its name, and either the generated message or the endpoints the fast reader read.</summary>
    private readonly record struct UnpackedAssignment(string Name, ClusterLoadAssignment? Parsed, ImmutableArray<MeshEndpoint> Read);
}
