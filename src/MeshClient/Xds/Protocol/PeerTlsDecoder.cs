using System.Collections.Immutable;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using MeshClient.Registry;
using MeshClient.Xds.Protos.Core;
using MeshClient.Xds.Protos.Matcher;
using MeshClient.Xds.Protos.Tls;
using SanMatcher = MeshClient.Registry.SubjectAltNameMatcher;
using XdsSanMatcher = MeshClient.Xds.Protos.Tls.SubjectAltNameMatcher;
using XdsCluster = MeshClient.Xds.Protos.Cluster.Cluster;

namespace MeshClient.Xds.Protocol;

/// <summary>
/// Reads a cluster's peer TLS settings (ISTIO_MUTUAL) from CDS: the UpstreamTlsContext of the
/// <c>transport_socket_matches</c> entry whose match is <c>tlsMode: istio</c> (TLS only to endpoints so marked), else of
/// the plain <c>transport_socket</c> (TLS to every endpoint). Reads the SNI, <c>common_tls_context.alpn_protocols</c>
/// and the SAN matchers of the validation context (<c>validation_context</c> or
/// <c>combined_validation_context.default_validation_context</c>: <c>match_subject_alt_names</c> and
/// <c>match_typed_subject_alt_names</c>). Certificates named by SDS (<c>default</c>, <c>ROOTCA</c>) are the workload
/// certificate files istio-agent writes, configured in <c>Mesh:Workload</c>. A raw_buffer or unknown socket is plaintext.
/// </summary>
internal static class PeerTlsDecoder
{
    /// <summary>The v3 type URL of the UpstreamTlsContext.</summary>
    public const string UpstreamTlsContextV3 = "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext";

    /// <summary>The v2 type URL of the UpstreamTlsContext (same field numbers).</summary>
    public const string UpstreamTlsContextV2 = "type.googleapis.com/envoy.api.v2.auth.UpstreamTlsContext";

    /// <summary>The <c>envoy.transport_socket_match</c> key that marks an endpoint with a sidecar.</summary>
    public const string TlsModeKey = "tlsMode";

    /// <summary>The <see cref="TlsModeKey"/> value of an endpoint with an Istio sidecar.</summary>
    public const string IstioTlsMode = "istio";

    private const string TlsSocketName = "envoy.transport_sockets.tls";
    private const int MaxAlpnLength = 255;
    private const int MaxSniLength = 255;

    /// <summary>Reads the cluster's peer TLS settings.</summary>
    /// <param name="cluster">The cluster.</param>
    /// <returns>The settings; <see langword="null"/> for plaintext to every endpoint.</returns>
    /// <exception cref="XdsResourceException">The TLS context is malformed or asks for what the client cannot check (the message names the field).</exception>
    public static PeerTlsSettings? Read(XdsCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        for (var i = 0; i < cluster.TransportSocketMatches.Count; i++)
        {
            var match = cluster.TransportSocketMatches[i];
            if (match.Match is { } fields
                && fields.Fields.TryGetValue(TlsModeKey, out var mode)
                && mode.KindCase == Value.KindOneofCase.StringValue
                && string.Equals(mode.StringValue, IstioTlsMode, StringComparison.Ordinal))
            {
                return ReadSocket(match.TransportSocket, $"cluster \"{cluster.Name}\": transport_socket_matches[{i}] \"{match.Name}\"", allEndpoints: false);
            }
        }

        return cluster.TransportSocket is { } socket ? ReadSocket(socket, $"cluster \"{cluster.Name}\": transport_socket", allEndpoints: true) : null;
    }

    private static PeerTlsSettings? ReadSocket(TransportSocket? socket, string where, bool allEndpoints)
    {
        if (socket is null)
        {
            return null;
        }

        var typeUrl = socket.TypedConfig?.TypeUrl;
        if (typeUrl is not (UpstreamTlsContextV3 or UpstreamTlsContextV2))
        {
            if (string.Equals(socket.Name, TlsSocketName, StringComparison.Ordinal))
            {
                throw new XdsResourceException($"{where}: the TLS transport socket carries no UpstreamTlsContext (typed_config is '{typeUrl ?? "missing"}')");
            }

            // raw_buffer, or a socket this client does not know: plaintext, as before TLS was read.
            return null;
        }

        UpstreamTlsContext context;
        try
        {
            context = UpstreamTlsContext.Parser.ParseFrom(socket.TypedConfig!.Value);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new XdsResourceException($"{where}: the UpstreamTlsContext does not decode: {ex.Message}", ex);
        }

        where += ": UpstreamTlsContext";
        var sni = context.Sni;
        if (sni.Length > MaxSniLength || sni.Any(c => c <= ' ' || c >= '\u007f'))
        {
            throw new XdsResourceException($"{where}: sni is not a host name (printable ASCII without spaces, at most {MaxSniLength} characters)");
        }

        var common = context.CommonTlsContext ?? new CommonTlsContext();
        var alpn = ImmutableArray.CreateBuilder<string>(common.AlpnProtocols.Count);
        for (var i = 0; i < common.AlpnProtocols.Count; i++)
        {
            var protocol = common.AlpnProtocols[i];
            if (protocol.Length is 0 or > MaxAlpnLength)
            {
                throw new XdsResourceException($"{where}: common_tls_context.alpn_protocols[{i}] is empty or longer than {MaxAlpnLength} characters");
            }

            alpn.Add(protocol);
        }

        var (validation, validationWhere) = common.ValidationContextTypeCase switch
        {
            CommonTlsContext.ValidationContextTypeOneofCase.ValidationContext => (common.ValidationContext, "common_tls_context.validation_context"),
            CommonTlsContext.ValidationContextTypeOneofCase.CombinedValidationContext =>
                (common.CombinedValidationContext.DefaultValidationContext, "common_tls_context.combined_validation_context.default_validation_context"),
            _ => (null, string.Empty),
        };
        var matchers = validation is null ? [] : ReadMatchers(validation, $"{where}: {validationWhere}");
        return new PeerTlsSettings(sni, alpn.DrainToImmutable(), matchers, allEndpoints);
    }

    private static ImmutableArray<SanMatcher> ReadMatchers(CertificateValidationContext validation, string where)
    {
        var matchers = ImmutableArray.CreateBuilder<SanMatcher>(validation.MatchSubjectAltNames.Count + validation.MatchTypedSubjectAltNames.Count);
        for (var i = 0; i < validation.MatchSubjectAltNames.Count; i++)
        {
            matchers.Add(ToMatcher(SubjectAltNameType.Any, validation.MatchSubjectAltNames[i], $"{where}.match_subject_alt_names[{i}]"));
        }

        for (var i = 0; i < validation.MatchTypedSubjectAltNames.Count; i++)
        {
            var typed = validation.MatchTypedSubjectAltNames[i];
            var at = $"{where}.match_typed_subject_alt_names[{i}]";
            var type = typed.SanType switch
            {
                XdsSanMatcher.Types.SanType.Email => SubjectAltNameType.Email,
                XdsSanMatcher.Types.SanType.Dns => SubjectAltNameType.Dns,
                XdsSanMatcher.Types.SanType.Uri => SubjectAltNameType.Uri,
                XdsSanMatcher.Types.SanType.IpAddress => SubjectAltNameType.IpAddress,
                XdsSanMatcher.Types.SanType.OtherName => throw new XdsResourceException($"{at}: san_type OTHER_NAME is not supported (EMAIL, DNS, URI and IP_ADDRESS are)"),
                _ => throw new XdsResourceException($"{at}: san_type {(typed.SanType == XdsSanMatcher.Types.SanType.Unspecified ? "SAN_TYPE_UNSPECIFIED" : ((int)typed.SanType).ToString(System.Globalization.CultureInfo.InvariantCulture))} is not supported (EMAIL, DNS, URI and IP_ADDRESS are)"),
            };
            if (typed.Matcher is null)
            {
                throw new XdsResourceException($"{at}: matcher is missing");
            }

            matchers.Add(ToMatcher(type, typed.Matcher, $"{at}.matcher"));
        }

        return matchers.DrainToImmutable();
    }

    private static SanMatcher ToMatcher(SubjectAltNameType type, StringMatcher matcher, string where)
    {
        var (kind, pattern) = matcher.MatchPatternCase switch
        {
            StringMatcher.MatchPatternOneofCase.Exact => (StringMatchKind.Exact, matcher.Exact),
            StringMatcher.MatchPatternOneofCase.Prefix => (StringMatchKind.Prefix, matcher.Prefix),
            StringMatcher.MatchPatternOneofCase.Suffix => (StringMatchKind.Suffix, matcher.Suffix),
            StringMatcher.MatchPatternOneofCase.Contains => (StringMatchKind.Contains, matcher.Contains),
            StringMatcher.MatchPatternOneofCase.SafeRegex => (StringMatchKind.Regex, matcher.SafeRegex.Regex),
            _ => throw new XdsResourceException($"{where}: no pattern the client supports (exact, prefix, suffix, contains or safe_regex)"),
        };
        if (pattern.Length == 0)
        {
            throw new XdsResourceException($"{where}: the {kind.ToString().ToLowerInvariant()} pattern is empty");
        }

        try
        {
            return new SanMatcher(type, kind, pattern, matcher.IgnoreCase);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            throw new XdsResourceException($"{where}: the safe_regex '{pattern}' is not a valid regular expression: {ex.Message}", ex);
        }
    }
}
