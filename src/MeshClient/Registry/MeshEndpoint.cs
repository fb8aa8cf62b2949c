namespace MeshClient.Registry;

/// <summary>
/// One endpoint of a cluster, as Pilot sent it. Immutable.
/// </summary>
/// <remarks>
/// Compact, because a process holds one per pod of the mesh: 48 bytes. An IPv4 address in canonical text is kept as
/// 32 bits and its string made on first use of <see cref="Address"/> (then kept); port, health and the sidecar mark
/// share one field; locality, weights and priority are one <see cref="EndpointPlacement"/> shared by the endpoints of a
/// locality group; labels are shared by the endpoints with the same labels.
/// </remarks>
public sealed class MeshEndpoint
{
    private const int PortBits = 0xFFFF;
    private const int HealthShift = 16;
    private const uint HealthMask = 0xFF;
    private const uint IstioTlsBit = 1u << 24;
    private const uint PackedBit = 1u << 25;

    private readonly EndpointPlacement _placement;
    private readonly uint _ipv4;
    private readonly uint _bits;
    private string? _address;

    /// <summary>Creates an endpoint.</summary>
    /// <param name="address">The IP address or host name.</param>
    /// <param name="port">The port, 1 to 65535.</param>
    /// <param name="health">The health Pilot reported.</param>
    /// <param name="weight">The endpoint's load-balancing weight (at least 1).</param>
    /// <param name="locality">The locality; <see cref="EndpointLocality.None"/> when unknown.</param>
    /// <param name="localityWeight">The weight of the endpoint's locality (at least 1).</param>
    /// <param name="priority">The priority level; 0 is the highest.</param>
    /// <param name="labels">Labels from the endpoint's metadata, or <see langword="null"/>.</param>
    public MeshEndpoint(
        string address,
        int port,
        EndpointHealth health = EndpointHealth.Healthy,
        uint weight = 1,
        EndpointLocality? locality = null,
        uint localityWeight = 1,
        uint priority = 0,
        IReadOnlyDictionary<string, string>? labels = null)
        : this(address, port, health, istioTlsMode: false, EndpointPlacement.Of(locality, localityWeight, priority, weight), EndpointLabels.From(labels))
    {
    }

    /// <summary>Creates an endpoint from its parts (the EDS decoder's path: placement and labels already shared).</summary>
    internal MeshEndpoint(string address, int port, EndpointHealth health, bool istioTlsMode, EndpointPlacement placement, EndpointLabels labels)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        _bits = Bits(port, health, istioTlsMode);
        if (IPv4Text.TryPack(address, out var packed))
        {
            _ipv4 = packed;
            _bits |= PackedBit;
        }
        else
        {
            _address = address;
        }

        _placement = placement;
        OwnLabels = labels;
    }

    /// <summary>Creates an endpoint whose address is the IPv4 address <paramref name="ipv4"/> (its string made when first read).</summary>
    internal MeshEndpoint(uint ipv4, int port, EndpointHealth health, bool istioTlsMode, EndpointPlacement placement, EndpointLabels labels)
    {
        _bits = Bits(port, health, istioTlsMode) | PackedBit;
        _ipv4 = ipv4;
        _placement = placement;
        OwnLabels = labels;
    }

    private MeshEndpoint(MeshEndpoint source, EndpointLabels labels)
    {
        _bits = source._bits;
        _ipv4 = source._ipv4;
        _address = source._address;
        _placement = source._placement;
        OwnLabels = labels;
    }

    /// <summary>The IP address or host name.</summary>
    public string Address => _address ??= IPv4Text.Format(_ipv4);

    /// <summary>The port.</summary>
    public int Port => (int)(_bits & PortBits);

    /// <summary>The health Pilot reported.</summary>
    public EndpointHealth Health => (EndpointHealth)((_bits >> HealthShift) & HealthMask);

    /// <summary>
    /// Whether calls may be sent here: every status but <see cref="EndpointHealth.Unhealthy"/>,
    /// <see cref="EndpointHealth.Draining"/> and <see cref="EndpointHealth.Timeout"/>.
    /// </summary>
    public bool IsRoutable => Health is not (EndpointHealth.Unhealthy or EndpointHealth.Draining or EndpointHealth.Timeout);

    /// <summary>The endpoint's load-balancing weight (1 when Pilot sent none).</summary>
    public uint Weight => _placement.Weight;

    /// <summary>Where the endpoint runs.</summary>
    public EndpointLocality Locality => _placement.Locality;

    /// <summary>The load-balancing weight of the endpoint's locality (1 when Pilot sent none).</summary>
    public uint LocalityWeight => _placement.LocalityWeight;

    /// <summary>The priority level; 0 is the highest.</summary>
    public uint Priority => _placement.Priority;

    /// <summary>The labels from the endpoint's metadata; empty when it had none.</summary>
    public IReadOnlyDictionary<string, string> Labels => OwnLabels;

    /// <summary>The labels, compact and shared by endpoints with the same labels when the decoder interned them.</summary>
    internal EndpointLabels OwnLabels { get; }

    /// <summary>Locality, weights and priority, shared by the endpoints of a locality group when the decoder interned them.</summary>
    internal EndpointPlacement Placement => _placement;

    /// <summary>
    /// Whether the endpoint has an Istio sidecar (EDS metadata <c>envoy.transport_socket_match: {tlsMode: istio}</c>):
    /// a cluster's <c>tlsMode: istio</c> TLS settings apply to it; an endpoint without the mark gets plaintext.
    /// </summary>
    internal bool IstioTlsMode
    {
        get => (_bits & IstioTlsBit) != 0;
        init => _bits = value ? _bits | IstioTlsBit : _bits & ~IstioTlsBit;
    }

    /// <summary>Returns a copy of this endpoint whose labels are <paramref name="labels"/>.</summary>
    /// <param name="labels">The labels of the copy.</param>
    /// <returns>The copy.</returns>
    internal MeshEndpoint WithLabels(IReadOnlyDictionary<string, string> labels) => new(this, EndpointLabels.From(labels));

    /// <summary>Whether <paramref name="other"/> has the same address and port.</summary>
    /// <param name="other">The endpoint to compare with.</param>
    /// <returns><see langword="true"/> when address and port are equal.</returns>
    public bool HasSameAddress(MeshEndpoint other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Port != other.Port)
        {
            return false;
        }

        return IsPacked && other.IsPacked
            ? _ipv4 == other._ipv4
            : string.Equals(Address, other.Address, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whether both addresses are the same text (ordinal), without making either string.</summary>
    internal bool HasSameAddressText(MeshEndpoint other) =>
        IsPacked == other.IsPacked && (IsPacked ? _ipv4 == other._ipv4 : string.Equals(_address, other._address, StringComparison.Ordinal));

    /// <summary>A hash of the address text, equal for endpoints whose <see cref="HasSameAddressText"/> holds.</summary>
    internal int AddressTextHash() => IsPacked ? (int)_ipv4 : StringComparer.Ordinal.GetHashCode(_address!);

    /// <inheritdoc />
    public override string ToString() => Address.Contains(':', StringComparison.Ordinal) ? $"[{Address}]:{Port}" : $"{Address}:{Port}";

    private bool IsPacked => (_bits & PackedBit) != 0;

    private static uint Bits(int port, EndpointHealth health, bool istioTlsMode)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)health, HealthMask, nameof(health));
        return (uint)port | (((uint)health & HealthMask) << HealthShift) | (istioTlsMode ? IstioTlsBit : 0);
    }
}
