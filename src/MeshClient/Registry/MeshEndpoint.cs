namespace MeshClient.Registry;

/// <summary>
/// One endpoint of a cluster, as Pilot sent it. Immutable.
/// </summary>
public sealed class MeshEndpoint
{
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
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        Address = address;
        Port = port;
        Health = health;
        Weight = weight == 0 ? 1 : weight;
        Locality = locality ?? EndpointLocality.None;
        LocalityWeight = localityWeight == 0 ? 1 : localityWeight;
        Priority = priority;
        OwnLabels = EndpointLabels.From(labels);
    }

    /// <summary>The IP address or host name.</summary>
    public string Address { get; }

    /// <summary>The port.</summary>
    public int Port { get; }

    /// <summary>The health Pilot reported.</summary>
    public EndpointHealth Health { get; }

    /// <summary>
    /// Whether calls may be sent here: every status but <see cref="EndpointHealth.Unhealthy"/>,
    /// <see cref="EndpointHealth.Draining"/> and <see cref="EndpointHealth.Timeout"/>.
    /// </summary>
    public bool IsRoutable => Health is not (EndpointHealth.Unhealthy or EndpointHealth.Draining or EndpointHealth.Timeout);

    /// <summary>The endpoint's load-balancing weight (1 when Pilot sent none).</summary>
    public uint Weight { get; }

    /// <summary>Where the endpoint runs.</summary>
    public EndpointLocality Locality { get; }

    /// <summary>The load-balancing weight of the endpoint's locality (1 when Pilot sent none).</summary>
    public uint LocalityWeight { get; }

    /// <summary>The priority level; 0 is the highest.</summary>
    public uint Priority { get; }

    /// <summary>The labels from the endpoint's metadata; empty when it had none.</summary>
    public IReadOnlyDictionary<string, string> Labels => OwnLabels;

    /// <summary>The labels, compact and shared by endpoints with the same labels when the decoder interned them.</summary>
    internal EndpointLabels OwnLabels { get; }

    /// <summary>
    /// Whether the endpoint has an Istio sidecar (EDS metadata <c>envoy.transport_socket_match: {tlsMode: istio}</c>):
    /// a cluster's <c>tlsMode: istio</c> TLS settings apply to it; an endpoint without the mark gets plaintext.
    /// </summary>
    internal bool IstioTlsMode { get; init; }

    /// <summary>Returns a copy of this endpoint whose labels are <paramref name="labels"/>.</summary>
    /// <param name="labels">The labels of the copy.</param>
    /// <returns>The copy.</returns>
    internal MeshEndpoint WithLabels(IReadOnlyDictionary<string, string> labels) =>
        new(Address, Port, Health, Weight, Locality, LocalityWeight, Priority, labels) { IstioTlsMode = IstioTlsMode };

    /// <summary>Whether <paramref name="other"/> has the same address and port.</summary>
    /// <param name="other">The endpoint to compare with.</param>
    /// <returns><see langword="true"/> when address and port are equal.</returns>
    public bool HasSameAddress(MeshEndpoint other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Port == other.Port && string.Equals(Address, other.Address, StringComparison.OrdinalIgnoreCase);
    }

    /// <inheritdoc />
    public override string ToString() => Address.Contains(':', StringComparison.Ordinal) ? $"[{Address}]:{Port}" : $"{Address}:{Port}";
}
