using System.Collections.Immutable;

namespace MeshClient.Registry;

/// <summary>
/// How a cluster's peers are called over mutual TLS (Istio's ISTIO_MUTUAL), from the UpstreamTlsContext of its CDS
/// <c>transport_socket_matches</c> entry for <c>tlsMode: istio</c> (then only endpoints marked <c>tlsMode: istio</c>
/// get TLS) or of its plain <c>transport_socket</c> (then every endpoint does). Immutable, compared by value.
/// </summary>
internal sealed class PeerTlsSettings : IEquatable<PeerTlsSettings>
{
    /// <summary>Creates the settings.</summary>
    /// <param name="sni">The server name sent in the handshake; empty for none.</param>
    /// <param name="alpnProtocols">The ALPN protocols the cluster asks for, in order.</param>
    /// <param name="subjectAltNameMatchers">The peer SAN checks; empty when any SAN of a trusted certificate will do.</param>
    /// <param name="allEndpoints">Whether every endpoint gets TLS (plain <c>transport_socket</c>) rather than only the marked ones.</param>
    public PeerTlsSettings(string sni, ImmutableArray<string> alpnProtocols, ImmutableArray<SubjectAltNameMatcher> subjectAltNameMatchers, bool allEndpoints)
    {
        ArgumentNullException.ThrowIfNull(sni);
        Sni = sni;
        AlpnProtocols = alpnProtocols.IsDefault ? [] : alpnProtocols;
        SubjectAltNameMatchers = subjectAltNameMatchers.IsDefault ? [] : subjectAltNameMatchers;
        AllEndpoints = allEndpoints;
    }

    /// <summary>The server name (SNI), such as <c>outbound_.9080_._.reviews.default.svc.cluster.local</c>; empty for none.</summary>
    public string Sni { get; }

    /// <summary>The ALPN protocols of the cluster, such as <c>istio-peer-exchange</c>, <c>istio</c>.</summary>
    public ImmutableArray<string> AlpnProtocols { get; }

    /// <summary>The SAN checks; the peer passes when one of them matches one of its SANs.</summary>
    public ImmutableArray<SubjectAltNameMatcher> SubjectAltNameMatchers { get; }

    /// <summary>Whether every endpoint gets TLS; otherwise only endpoints marked <c>tlsMode: istio</c>.</summary>
    public bool AllEndpoints { get; }

    /// <summary>Whether a call to <paramref name="endpoint"/> goes over TLS.</summary>
    /// <param name="endpoint">An endpoint of the cluster.</param>
    /// <returns><see langword="true"/> for TLS, <see langword="false"/> for plaintext.</returns>
    public bool AppliesTo(MeshEndpoint endpoint) => AllEndpoints || endpoint.IstioTlsMode;

    /// <inheritdoc />
    public bool Equals(PeerTlsSettings? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (AllEndpoints == other.AllEndpoints
                && string.Equals(Sni, other.Sni, StringComparison.Ordinal)
                && AlpnProtocols.SequenceEqual(other.AlpnProtocols, StringComparer.Ordinal)
                && SubjectAltNameMatchers.SequenceEqual(other.SubjectAltNameMatchers)));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as PeerTlsSettings);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(StringComparer.Ordinal.GetHashCode(Sni), AlpnProtocols.Length, SubjectAltNameMatchers.Length, AllEndpoints);

    /// <inheritdoc />
    public override string ToString() =>
        $"SNI '{Sni}', ALPN [{string.Join(", ", AlpnProtocols)}], {(SubjectAltNameMatchers.IsEmpty ? "any SAN" : string.Join(" or ", SubjectAltNameMatchers))}, {(AllEndpoints ? "every endpoint" : "endpoints marked tlsMode istio")}";
}
