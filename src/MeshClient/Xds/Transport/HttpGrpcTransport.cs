using System.Reflection;
using Google.Protobuf;

namespace MeshClient.Xds.Transport;

/// <summary>
/// The built-in gRPC transport: gRPC over HTTP/2 on one <see cref="SocketsHttpHandler"/>, that is one long-lived
/// HTTP/2 connection shared by all calls, kept alive with PING frames. Plaintext addresses (grpc://, http://) use
/// HTTP/2 with prior knowledge; https:// negotiates h2 by ALPN.
/// </summary>
/// <remarks>
/// Calls go through <see cref="HttpMessageInvoker"/> (the base of HttpClient, without its buffering, timeout and
/// default headers): SendAsync returns once the response headers arrive, as HttpClient with
/// <see cref="HttpCompletionOption.ResponseHeadersRead"/> does, and the call's token keeps reaching the HTTP/2 stream
/// for the whole call, so cancelling it resets the stream.
/// </remarks>
internal sealed class HttpGrpcTransport : IGrpcTransport
{
    /// <summary>The user-agent of every call, such as <c>meshclient-dotnet/0.1.0</c>.</summary>
    public static readonly string UserAgent = "meshclient-dotnet/" + FormatVersion(typeof(HttpGrpcTransport).Assembly.GetName().Version);

    private readonly GrpcTransportOptions _options;
    private readonly HttpMessageInvoker _invoker;

    // Cancelled by DisposeAsync: every running call resets its stream (disposing the handler alone leaves active
    // HTTP/2 streams open).
    private readonly CancellationTokenSource _disposing = new();
    private int _disposed;

    /// <summary>Creates the transport; nothing connects until the first call.</summary>
    /// <exception cref="ArgumentException">An option is invalid (the message names it).</exception>
    public HttpGrpcTransport(GrpcTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Address = options.Validate();
        _options = options;
        _invoker = options.HttpMessageHandler is { } handler
            ? new HttpMessageInvoker(handler, disposeHandler: false)
            : new HttpMessageInvoker(CreateHandler(options), disposeHandler: true);
    }

    /// <summary>The HTTP address calls go to: the configured address with grpc:// read as http://.</summary>
    public Uri Address { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="methodPath"/> does not start with '/'.</exception>
    public IGrpcDuplexCall<TRequest, TResponse> StartDuplexStreaming<TRequest, TResponse>(
        string methodPath,
        MessageParser<TResponse> responseParser,
        CancellationToken cancellationToken)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentException.ThrowIfNullOrEmpty(methodPath);
        ArgumentNullException.ThrowIfNull(responseParser);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (methodPath[0] != '/')
        {
            throw new ArgumentException($"The gRPC method path '{methodPath}' must start with '/', as in /package.Service/Method.", nameof(methodPath));
        }

        return new HttpGrpcDuplexCall<TRequest, TResponse>(
            _invoker, new Uri(Address, methodPath), UserAgent, responseParser, _options, _disposing.Token, cancellationToken);
    }

    /// <summary>Resets the calls still running (they fail with Cancelled) and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        _invoker.Dispose();
        _disposing.Dispose();
    }

    /// <summary>The handler of the transport's single HTTP/2 connection.</summary>
    internal static SocketsHttpHandler CreateHandler(GrpcTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SocketsHttpHandler
        {
            KeepAlivePingDelay = options.KeepAlivePingDelay,
            KeepAlivePingTimeout = options.KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            ConnectTimeout = options.ConnectTimeout,

            // One connection for the transport's whole life: never closed for being idle.
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            EnableMultipleHttp2Connections = false,
            AllowAutoRedirect = false,
            UseCookies = false,

            // Pilot is reached directly: an HTTP_PROXY set for the app must not carry the h2c xDS stream.
            UseProxy = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };
    }

    private static string FormatVersion(Version? version) =>
        version is null ? "0.0.0" : version.ToString(3);
}
