using System.Collections.Immutable;
using Google.Protobuf.WellKnownTypes;
using MeshClient.Registry;
using MeshClient.Xds.Protos.Core;
using MeshClient.Xds.Protos.Endpoint;

namespace MeshClient.Xds.Protocol;

/// <summary>Maps one parsed load assignment's endpoints to <see cref="MeshEndpoint"/>s (the mapping is on the class's remarks).</summary>
internal static partial class EndpointResourceDecoder
{
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
}
