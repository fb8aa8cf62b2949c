namespace MeshClient.Testing;

/// <summary>
/// The Istio mutual TLS (ISTIO_MUTUAL) settings <see cref="FakePilot"/> sends in a service's clusters, as istiod
/// does: an UpstreamTlsContext in the <c>transport_socket_matches</c> entry for <c>tlsMode: istio</c> (so endpoints
/// whose <see cref="FakeEndpoint.TlsMode"/> is <c>istio</c> get TLS, the others plaintext), with the SNI, the ALPN
/// protocols and the peer's SPIFFE identities as subject-alt-name matchers.
/// </summary>
/// <example>
/// <code>
/// pilot.SetPeerTls("reviews", 9080, new FakePeerTls("spiffe://cluster.local/ns/default/sa/reviews"));
/// </code>
/// </example>
public sealed record FakePeerTls
{
    /// <summary>Creates the settings.</summary>
    /// <param name="subjectAltNames">The peer identities accepted, such as <c>spiffe://cluster.local/ns/default/sa/reviews</c>; none accepts any SAN of a trusted certificate.</param>
    public FakePeerTls(params string[] subjectAltNames)
    {
        ArgumentNullException.ThrowIfNull(subjectAltNames);
        SubjectAltNames = [.. subjectAltNames];
    }

    /// <summary>The peer identities, sent as exact URI matchers (<c>match_typed_subject_alt_names</c>).</summary>
    public IReadOnlyList<string> SubjectAltNames { get; }

    /// <summary>The SNI; <see langword="null"/> (the default) sends Istio's <c>outbound_.PORT_.SUBSET_.HOST</c>.</summary>
    public string? Sni { get; init; }

    /// <summary>The ALPN protocols; Istio's <c>istio-peer-exchange</c>, <c>istio</c> by default. A copy of the list given.</summary>
    public IReadOnlyList<string> AlpnProtocols
    {
        get => _alpnProtocols;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            _alpnProtocols = [.. value];
        }
    }

    private readonly IReadOnlyList<string> _alpnProtocols = ["istio-peer-exchange", "istio"];

    /// <summary>
    /// Whether the identities go in the untyped <c>match_subject_alt_names</c> (as Istio before 1.15 sent them) rather
    /// than <c>match_typed_subject_alt_names</c>. Default <see langword="false"/>.
    /// </summary>
    public bool Untyped { get; init; }

    /// <summary>
    /// Whether the context goes in the cluster's plain <c>transport_socket</c> (as for a DestinationRule that sets
    /// ISTIO_MUTUAL explicitly): every endpoint gets TLS, marked or not. Default <see langword="false"/>.
    /// </summary>
    public bool AllEndpoints { get; init; }
}
