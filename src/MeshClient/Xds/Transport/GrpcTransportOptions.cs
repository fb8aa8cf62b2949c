namespace MeshClient.Xds.Transport;

/// <summary>Settings of <see cref="HttpGrpcTransport"/>: where to connect and the limits of every call.</summary>
internal sealed class GrpcTransportOptions
{
    /// <summary>The default interval between HTTP/2 keepalive pings: 30 seconds.</summary>
    public static readonly TimeSpan DefaultKeepAlivePingDelay = TimeSpan.FromSeconds(30);

    /// <summary>The default time to wait for a ping's acknowledgement before the connection is closed: 10 seconds.</summary>
    public static readonly TimeSpan DefaultKeepAlivePingTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The default maximum size of a received message: 64 MiB.</summary>
    public const int DefaultMaxReceiveMessageSize = 64 * 1024 * 1024;

    /// <summary>The scheme of Unix domain socket addresses.</summary>
    public const string UnixScheme = "unix";

    /// <summary>The default time to establish a connection: 10 seconds.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The server: <c>grpc://host:port</c> or <c>http://host:port</c> (plaintext HTTP/2 with prior knowledge; grpc:// is
    /// read as http://) or <c>https://host:port</c> (TLS, HTTP/2 negotiated by ALPN), with no path, query or fragment;
    /// or <c>unix:///absolute/path</c>, a Unix domain socket (plaintext HTTP/2), such as istio-agent's xDS proxy
    /// <c>unix:///etc/istio/proxy/XDS</c>.
    /// </summary>
    public required Uri Address { get; init; }

    /// <summary>
    /// The PEM file of the CA certificates Pilot's certificate must chain to (https:// only); <see langword="null"/>
    /// trusts the system store.
    /// </summary>
    public string? CaFile { get; init; }

    /// <summary>
    /// The name Pilot's certificate must carry (https:// only), such as <c>istiod.istio-system.svc</c>;
    /// <see langword="null"/> for the address's host.
    /// </summary>
    public string? ServerName { get; init; }

    /// <summary>The PEM certificate presented to Pilot (mutual TLS, https:// only), with <see cref="ClientKeyFile"/>; <see langword="null"/> for none.</summary>
    public string? ClientCertificateFile { get; init; }

    /// <summary>The PEM private key of <see cref="ClientCertificateFile"/>.</summary>
    public string? ClientKeyFile { get; init; }

    /// <summary>
    /// The file of the bearer token sent as <c>authorization: Bearer ...</c> on every stream (https:// and unix://
    /// only: never in clear text over the network), read again at every stream's start; <see langword="null"/> for none.
    /// </summary>
    public string? TokenFile { get; init; }

    /// <summary>The largest response message accepted; a larger one fails the call with ResourceExhausted.</summary>
    public int MaxReceiveMessageSize { get; init; } = DefaultMaxReceiveMessageSize;

    /// <summary>Idle time after which an HTTP/2 PING is sent (at least 1 s, or <see cref="Timeout.InfiniteTimeSpan"/> for none).</summary>
    public TimeSpan KeepAlivePingDelay { get; init; } = DefaultKeepAlivePingDelay;

    /// <summary>How long a PING may stay unanswered before the connection is closed (at least 1 s, or infinite).</summary>
    public TimeSpan KeepAlivePingTimeout { get; init; } = DefaultKeepAlivePingTimeout;

    /// <summary>How long establishing the connection may take (positive, or infinite).</summary>
    public TimeSpan ConnectTimeout { get; init; } = DefaultConnectTimeout;

    /// <summary>
    /// The deadline of each call, counted from its start, or <see langword="null"/> for none (the default: an ADS
    /// stream lives as long as the connection). Grpc.Net.Client sends it as <c>grpc-timeout</c>; when it passes the call
    /// is cancelled and fails with DeadlineExceeded.
    /// </summary>
    public TimeSpan? Deadline { get; init; }

    /// <summary>
    /// The clock a call's deadline is counted from (Grpc.Net.Client then times it on the system clock, so a deadline
    /// needs this to be the system clock).
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Replaces the built-in <see cref="SocketsHttpHandler"/> (tests, custom TLS). The transport does not dispose it,
    /// and the keepalive and connect settings above do not apply to it. Start from
    /// <see cref="HttpGrpcTransport.CreateHandler"/>: a SocketsHttpHandler without its setting turns Grpc.Net.Client's
    /// own balancer on.
    /// </summary>
    public HttpMessageHandler? HttpMessageHandler { get; init; }

    /// <summary>Checks every setting and returns the HTTP address calls are sent to (grpc:// becomes http://).</summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it and says why.</exception>
    internal Uri Validate()
    {
        var address = ValidateAddress(Address);
        if (MaxReceiveMessageSize <= 0)
        {
            throw Invalid($"{nameof(MaxReceiveMessageSize)} is {MaxReceiveMessageSize}; it must be a positive number of bytes.");
        }

        ValidateKeepAlive(nameof(KeepAlivePingDelay), KeepAlivePingDelay);
        ValidateKeepAlive(nameof(KeepAlivePingTimeout), KeepAlivePingTimeout);
        if (ConnectTimeout <= TimeSpan.Zero && ConnectTimeout != Timeout.InfiniteTimeSpan)
        {
            throw Invalid($"{nameof(ConnectTimeout)} is {ConnectTimeout}; it must be positive or Timeout.InfiniteTimeSpan.");
        }

        if (Deadline is { } deadline && deadline <= TimeSpan.Zero)
        {
            throw Invalid($"{nameof(Deadline)} is {deadline}; it must be positive, or null for calls without a deadline.");
        }

        if (TimeProvider is null)
        {
            throw Invalid($"{nameof(TimeProvider)} is null.");
        }

        ValidateSecurity(address);
        return address;
    }

    /// <summary>The socket path of a <c>unix://</c> address, or <see langword="null"/> for a network address.</summary>
    internal string? UnixSocketPath =>
        Address is { IsAbsoluteUri: true } address && string.Equals(address.Scheme, UnixScheme, StringComparison.OrdinalIgnoreCase)
            ? Uri.UnescapeDataString(address.AbsolutePath)
            : null;

    private void ValidateSecurity(Uri address)
    {
        var tls = address.Scheme == Uri.UriSchemeHttps;
        if (!tls && (CaFile is not null || ServerName is not null || ClientCertificateFile is not null || ClientKeyFile is not null))
        {
            throw Invalid($"{nameof(CaFile)}, {nameof(ServerName)}, {nameof(ClientCertificateFile)} and {nameof(ClientKeyFile)} apply to https:// addresses only; '{Address}' is not one.");
        }

        if ((ClientCertificateFile is null) != (ClientKeyFile is null))
        {
            throw Invalid($"{nameof(ClientCertificateFile)} and {nameof(ClientKeyFile)} go together: set both or neither.");
        }

        if (ServerName is not null && string.IsNullOrWhiteSpace(ServerName))
        {
            throw Invalid($"{nameof(ServerName)} is empty; give the name Pilot's certificate carries, or null for the address's host.");
        }

        if (TokenFile is not null && !tls && UnixSocketPath is null)
        {
            throw Invalid($"{nameof(TokenFile)} is set but '{Address}' is plaintext over the network: a token is sent over https:// or unix:// only.");
        }
    }

    private static Uri ValidateAddress(Uri? address)
    {
        if (address is null)
        {
            throw Invalid($"{nameof(Address)} is missing; set it to the xDS server, e.g. grpc://istiod.istio-system.svc:15010.");
        }

        if (!address.IsAbsoluteUri)
        {
            throw Invalid($"{nameof(Address)} '{address}' is not an absolute address; use grpc://host:port, http://host:port, https://host:port or unix:///path.");
        }

        if (string.Equals(address.Scheme, UnixScheme, StringComparison.OrdinalIgnoreCase))
        {
            if (address.Host.Length != 0 || !address.AbsolutePath.StartsWith('/') || address.AbsolutePath.Length < 2 || address.Query.Length != 0 || address.Fragment.Length != 0)
            {
                throw Invalid($"{nameof(Address)} '{address}' is not a Unix socket address; write unix:///absolute/path, such as unix:///etc/istio/proxy/XDS.");
            }

            // Calls go over the socket (ConnectCallback); the URI only gives HTTP/2 its :authority.
            return new Uri("http://localhost");
        }

        var scheme = address.Scheme.ToUpperInvariant() switch
        {
            "GRPC" or "HTTP" => Uri.UriSchemeHttp,
            "HTTPS" => Uri.UriSchemeHttps,
            _ => throw Invalid($"{nameof(Address)} '{address}' has the scheme '{address.Scheme}'; use grpc:// or http:// (plaintext HTTP/2), https:// (TLS) or unix:// (a Unix domain socket)."),
        };

        if (address.IsDefaultPort && string.Equals(address.Scheme, "grpc", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid($"{nameof(Address)} '{address}' has no port; grpc:// addresses need one, e.g. grpc://istiod.istio-system.svc:15010.");
        }

        if (address.AbsolutePath != "/" || address.Query.Length != 0 || address.Fragment.Length != 0 || address.UserInfo.Length != 0)
        {
            throw Invalid($"{nameof(Address)} '{address}' has a path, query, fragment or user info; give only scheme, host and port.");
        }

        return new UriBuilder(scheme, address.Host, address.Port).Uri;
    }

    private static void ValidateKeepAlive(string name, TimeSpan value)
    {
        if (value < TimeSpan.FromSeconds(1) && value != Timeout.InfiniteTimeSpan)
        {
            throw Invalid($"{name} is {value}; it must be at least 1 second, or Timeout.InfiniteTimeSpan to turn it off.");
        }
    }

    private static ArgumentException Invalid(string message) =>
        new($"Invalid gRPC transport options: {message}", "options");
}
