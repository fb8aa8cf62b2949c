using System.Collections.Frozen;
using MeshClient.Registry;

namespace MeshClient.Testing;

/// <summary>
/// One endpoint (pod) of a service that <see cref="FakePilot"/> serves in EDS.
/// </summary>
/// <example>
/// <code>
/// new FakeEndpoint("10.1.0.1", 9080) { Labels = new Dictionary&lt;string, string&gt; { ["version"] = "v1" } }
/// </code>
/// </example>
public sealed record FakeEndpoint
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = FrozenDictionary<string, string>.Empty;
    private readonly IReadOnlyDictionary<string, string> _labels = NoLabels;
    private readonly EndpointLocality _locality = EndpointLocality.None;

    /// <summary>Creates an endpoint.</summary>
    /// <param name="address">The IP address or host name; not empty.</param>
    /// <param name="port">The port, 1 to 65535.</param>
    /// <exception cref="ArgumentException">The address is empty or the port is out of range.</exception>
    public FakeEndpoint(string address, int port)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        Address = address;
        Port = port;
    }

    /// <summary>The IP address or host name.</summary>
    public string Address { get; }

    /// <summary>The port.</summary>
    public int Port { get; }

    /// <summary>
    /// The pod's labels, sent in the endpoint metadata (<c>filter_metadata["istio"].labels</c>) and used to place the
    /// endpoint in subsets. Empty by default.
    /// </summary>
    public IReadOnlyDictionary<string, string> Labels
    {
        get => _labels;
        init => _labels = value is null || value.Count == 0 ? NoLabels : value.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The health status sent in EDS; <see cref="EndpointHealth.Healthy"/> by default.</summary>
    public EndpointHealth Health { get; init; } = EndpointHealth.Healthy;

    /// <summary>The endpoint's load-balancing weight; 1 by default. 0 sends no weight.</summary>
    public uint Weight { get; init; } = 1;

    /// <summary>The locality (region, zone, sub-zone); <see cref="EndpointLocality.None"/> by default.</summary>
    public EndpointLocality Locality
    {
        get => _locality;
        init => _locality = value ?? EndpointLocality.None;
    }

    /// <summary>The priority level; 0 (the highest) by default.</summary>
    public uint Priority { get; init; }

    /// <summary>
    /// The endpoint's <c>envoy.transport_socket_match</c> metadata <c>tlsMode</c>: <c>istio</c> (the default) for a pod
    /// with a sidecar, which gets mutual TLS when the service has <see cref="FakePeerTls"/> settings;
    /// <see langword="null"/> for a pod without one (no metadata sent, plaintext).
    /// </summary>
    public string? TlsMode { get; init; } = "istio";

    /// <summary>
    /// The weight sent for the endpoint's locality (<c>LocalityLbEndpoints.load_balancing_weight</c>); 0 by default,
    /// which sends the sum of the locality's endpoint weights. When endpoints of one locality and priority disagree,
    /// the largest counts. Locality weights only matter to a cluster served with <c>localityWeighted: true</c>
    /// (<see cref="FakePilot.SetService"/>).
    /// </summary>
    public uint LocalityWeight { get; init; }
}
