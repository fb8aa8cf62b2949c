using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MeshClient.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshClient.Http;

/// <summary>
/// The <see cref="SocketsHttpHandler.ConnectCallback"/> of Istio mutual TLS to peers: connects to the endpoint, and
/// when the request opening the connection carries peer TLS settings (<see cref="PeerTlsRequest"/>) runs the TLS
/// handshake on it with the workload certificate, the cluster's SNI and ALPN, checks the peer's chain against the mesh
/// root and its SAN against the cluster's matchers (<see cref="PeerCertificateCheck"/>), and hands the handler the TLS
/// stream; the request URI stays <c>http://</c>, so HTTP/1.1 and HTTP/2 (prior knowledge) run over it unchanged.
/// A failed handshake throws an <see cref="AuthenticationException"/> naming the failed check, which the handler
/// reports as a connection failure (<see cref="HttpRequestError.SecureConnectionError"/>): retried and counted for
/// ejection. Without settings the connection is plaintext.
/// </summary>
internal sealed partial class PeerTlsConnector
{
    private static readonly SslApplicationProtocol Http11 = SslApplicationProtocol.Http11;
    private static readonly SslApplicationProtocol Http2 = SslApplicationProtocol.Http2;

    /// <summary>The <see cref="SocketsHttpHandler.Properties"/> key that marks a handler the connector is installed on.</summary>
    internal const string InstalledProperty = "MeshClient.PeerTls";

    private readonly WorkloadCertificateSource _certificates;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public PeerTlsConnector(WorkloadCertificateSource certificates, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        _certificates = certificates;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Creates the connector of <paramref name="options"/>' workload certificate files, or <see langword="null"/> when
    /// none are configured and istio-agent's are absent (peers are then called in plaintext).
    /// </summary>
    public static PeerTlsConnector? Create(MeshOptions options, TimeProvider? time, ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (WorkloadCertificateFiles.Resolve(options.Workload, File.Exists) is not { } files)
        {
            return null;
        }

        return new PeerTlsConnector(
            new WorkloadCertificateSource(files, time, loggerFactory?.CreateLogger<WorkloadCertificateSource>()),
            time,
            loggerFactory?.CreateLogger<PeerTlsConnector>());
    }

    /// <summary>
    /// Sets this connector as <paramref name="handler"/>'s connect callback, after any callback it already has (which
    /// then opens the transport); once per handler, so a handler shared by two mesh handlers gets one TLS layer.
    /// </summary>
    /// <param name="handler">The handler beneath the mesh handler.</param>
    public void InstallOn(SocketsHttpHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (!handler.Properties.TryAdd(InstalledProperty, true))
        {
            return;
        }

        var previous = handler.ConnectCallback;
        handler.ConnectCallback = previous is null
            ? ConnectAsync
            : (context, cancellationToken) => ConnectOverAsync(previous, context, cancellationToken);
    }

    /// <summary>Connects to the endpoint of <paramref name="context"/>, over TLS when the request asks for it.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return await SecureAsync(new NetworkStream(socket, ownsSocket: true), context, cancellationToken);
    }

    private async ValueTask<Stream> ConnectOverAsync(
        Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> connect,
        SocketsHttpConnectionContext context,
        CancellationToken cancellationToken) =>
        await SecureAsync(await connect(context, cancellationToken), context, cancellationToken);

    private async ValueTask<Stream> SecureAsync(Stream transport, SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var request = context.InitialRequestMessage;
        if (PeerTlsRequest.Get(request) is not { } settings)
        {
            return transport;
        }

        var peer = $"{context.DnsEndPoint.Host}:{context.DnsEndPoint.Port}";
        try
        {
            return await AuthenticateAsync(transport, settings, UsesHttp2(request), peer, cancellationToken);
        }
        catch
        {
            await transport.DisposeAsync();
            throw;
        }
    }

    private async Task<Stream> AuthenticateAsync(Stream transport, PeerTlsSettings settings, bool http2, string peer, CancellationToken cancellationToken)
    {
        WorkloadCredentials credentials;
        try
        {
            credentials = await _certificates.GetAsync(cancellationToken);
        }
        catch (WorkloadCertificateException ex)
        {
            LogNoWorkloadCertificate(_logger, peer, ex.Message);
            throw new WorkloadCertificateException($"mTLS to peer {peer} (SNI '{settings.Sni}') not attempted: {ex.Message}", ex);
        }

        string? refusal = null;
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = settings.Sni,
            ApplicationProtocols = Alpn(settings, http2),
            ClientCertificateContext = credentials.Context,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,

            // SslStream's own checks (system trust, the host name) do not apply: Istio peers are checked against the
            // mesh root and the cluster's SAN matchers, and their certificates name no host.
            RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
            {
                refusal = PeerCertificateCheck.Check(
                    certificate as X509Certificate2,
                    chain?.ChainPolicy.ExtraStore,
                    credentials.Roots,
                    settings.SubjectAltNameMatchers,
                    _time.GetUtcNow().UtcDateTime);
                return refusal is null;
            },
        };

        var tls = new SslStream(transport, leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(options, cancellationToken);
            return tls;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            await tls.DisposeAsync();
            var reason = refusal is not null
                ? $"mTLS to peer {peer} (SNI '{settings.Sni}') refused: {refusal}"
                : $"mTLS handshake with peer {peer} (SNI '{settings.Sni}') failed: {ex.Message}";
            LogHandshakeFailed(_logger, reason);
            throw new AuthenticationException(reason, ex);
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }
    }

    /// <summary>Whether the connection is for HTTP/2 (prior knowledge over the TLS stream) rather than HTTP/1.1.</summary>
    private static bool UsesHttp2(HttpRequestMessage request) =>
        request.Version.Major >= 2 && request.VersionPolicy != HttpVersionPolicy.RequestVersionOrLower;

    /// <summary>
    /// The HTTP protocol the connection will speak first (so a server that selects by ALPN, such as Kestrel, picks it),
    /// then the cluster's protocols (Istio's <c>istio-peer-exchange</c>, <c>istio</c>, by which a sidecar's inbound
    /// listener recognises mesh mTLS).
    /// </summary>
    private static List<SslApplicationProtocol> Alpn(PeerTlsSettings settings, bool http2)
    {
        var protocols = new List<SslApplicationProtocol>(settings.AlpnProtocols.Length + 1) { http2 ? Http2 : Http11 };
        foreach (var name in settings.AlpnProtocols)
        {
            var protocol = new SslApplicationProtocol(name);
            if (!protocols.Contains(protocol))
            {
                protocols.Add(protocol);
            }
        }

        return protocols;
    }
}
