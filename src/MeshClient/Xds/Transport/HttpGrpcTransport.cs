using System.Net.Sockets;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MeshClient.Xds.Protos.Discovery;
using AdsV2 = MeshClient.Xds.Protos.Discovery.V2.AggregatedDiscoveryService;
using AdsV3 = MeshClient.Xds.Protos.Discovery.V3.AggregatedDiscoveryService;

namespace MeshClient.Xds.Transport;

/// <summary>
/// The built-in gRPC transport: the generated v2 and v3 ADS clients on one Grpc.Net.Client <see cref="GrpcChannel"/>
/// over one <see cref="SocketsHttpHandler"/>, that is one long-lived HTTP/2 connection kept alive with PING frames.
/// Plaintext addresses (grpc://, http://) use HTTP/2 with prior knowledge (h2c); https:// uses TLS and ALPN, with
/// Pilot's certificate checked by <see cref="PilotCertificateValidator"/> and an optional client certificate; unix://
/// connects to a Unix domain socket (h2c). A token file's bearer token goes on every stream (call credentials).
/// </summary>
/// <remarks>
/// Grpc.Net.Client's own client-side balancer is turned off for this channel: Pilot is one address, the connection is
/// the handler's, and reconnecting is the ADS client's job (with its backoff on its clock), not a subchannel's.
/// State-of-the-world requests go through <see cref="DiscoveryRequestMarshaller"/>, which keeps the encoded names of
/// the subscription for the ACKs that repeat them.
/// </remarks>
internal sealed partial class HttpGrpcTransport : IGrpcTransport
{
    /// <summary>The v3 ADS method path, from the generated service.</summary>
    public static readonly string AdsMethodV3 = MethodPath(AdsV3.Descriptor);

    /// <summary>The v2 ADS method path, from the generated service.</summary>
    public static readonly string AdsMethodV2 = MethodPath(AdsV2.Descriptor);

    /// <summary>The v3 incremental (delta) ADS method path, from the generated service (delta xDS is v3 only here).</summary>
    public static readonly string DeltaAdsMethodV3 = MethodPath(AdsV3.Descriptor, "DeltaAggregatedResources");

    /// <summary>DiscoveryResponse as the generated client marshals it: parsed from the payload's segments, no copy.</summary>
    private static readonly Marshaller<DiscoveryResponse> ResponseMarshaller = Marshallers.Create<DiscoveryResponse>(
        static (response, context) =>
        {
            context.SetPayloadLength(response.CalculateSize());
            response.WriteTo(context.GetBufferWriter());
            context.Complete();
        },
        static context => DiscoveryResponse.Parser.ParseFrom(context.PayloadAsReadOnlySequence()));

    // Grpc.Net.Client reads this SocketsHttpHandler property (as Microsoft.Extensions.ServiceDiscovery sets it) and
    // then leaves connecting to the handler instead of running its own balancer.
    private const string LoadBalancingDisabledProperty = "__GrpcLoadBalancingDisabled";

    private readonly GrpcTransportOptions _options;
    private readonly PilotCertificateValidator? _validator;
    private readonly PilotClientCertificate? _clientCertificate;
    private readonly BearerTokenFile? _token;
    private readonly CallCredentials? _callCredentials;
    private readonly GrpcChannel _channel;
    private readonly CallInvoker _invoker;
    private readonly AdsV3.AggregatedDiscoveryServiceClient _v3;
    private readonly DiscoveryRequestMarshaller _requests = new();
    private readonly Method<DiscoveryRequest, DiscoveryResponse> _adsV3;
    private readonly Method<DiscoveryRequest, DiscoveryResponse> _adsV2;
    private int _disposed;

    /// <summary>Creates the transport; nothing connects until the first call.</summary>
    /// <param name="options">The options.</param>
    /// <param name="logger">Where the client certificate's reloads are logged; nowhere when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">An option is invalid (the message names it).</exception>
    public HttpGrpcTransport(GrpcTransportOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Address = options.Validate();
        _options = options;
        _validator = CreateValidator(options, Address);
        _clientCertificate = options.HttpMessageHandler is null ? CreateClientCertificate(options, _validator, logger) : null;
        if (options.TokenFile is { } tokenFile)
        {
            var token = new BearerTokenFile(tokenFile);
            _token = token;
            _callCredentials = CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("authorization", "Bearer " + token.Read());
                return Task.CompletedTask;
            });
        }

        _channel = GrpcChannel.ForAddress(Address, new GrpcChannelOptions
        {
            HttpHandler = options.HttpMessageHandler ?? CreateConfiguredHandler(options, _validator, _clientCertificate),
            DisposeHttpClient = options.HttpMessageHandler is null,
            Credentials = Address.Scheme == Uri.UriSchemeHttps ? ChannelCredentials.SecureSsl : ChannelCredentials.Insecure,

            // The token goes over TLS, or over a local Unix socket (istio-agent's proxy); Validate refuses it otherwise.
            UnsafeUseInsecureChannelCallCredentials = options.UnixSocketPath is not null,
            MaxReceiveMessageSize = options.MaxReceiveMessageSize,
            MaxSendMessageSize = null,
        });
        _invoker = _channel.CreateCallInvoker();
        _v3 = new AdsV3.AggregatedDiscoveryServiceClient(_invoker);

        // The state-of-the-world methods write requests through a marshaller that keeps the encoded names (an ACK
        // repeats every subscribed name); the generated client's marshaller would encode them on every ACK.
        _adsV3 = AdsMethod(AdsV3.Descriptor, _requests.Marshaller);
        _adsV2 = AdsMethod(AdsV2.Descriptor, _requests.Marshaller);
    }

    /// <summary>The HTTP address calls go to: the configured address with grpc:// read as http://.</summary>
    public Uri Address { get; }

    /// <inheritdoc />
    /// <remarks>
    /// It serves the ADS methods (<see cref="AdsMethodV3"/>, <see cref="AdsMethodV2"/>) of DiscoveryRequest and
    /// DiscoveryResponse, and the delta ADS method (<see cref="DeltaAdsMethodV3"/>) of DeltaDiscoveryRequest and DeltaDiscoveryResponse.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="methodPath"/> is not an ADS method.</exception>
    /// <exception cref="NotSupportedException">The message types are not DiscoveryRequest and DiscoveryResponse.</exception>
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
        if (methodPath == DeltaAdsMethodV3 && typeof(TRequest) == typeof(DeltaDiscoveryRequest) && typeof(TResponse) == typeof(DeltaDiscoveryResponse))
        {
            var deltaCall = _v3.DeltaAggregatedResources(new CallOptions(deadline: Deadline(), cancellationToken: cancellationToken));
            return (IGrpcDuplexCall<TRequest, TResponse>)(object)new GrpcNetDuplexCall<DeltaDiscoveryRequest, DeltaDiscoveryResponse>(deltaCall);
        }

        if (typeof(TRequest) != typeof(DiscoveryRequest) || typeof(TResponse) != typeof(DiscoveryResponse))
        {
            throw new NotSupportedException(
                $"The gRPC transport streams DiscoveryRequest to DiscoveryResponse (ADS); it cannot call {typeof(TRequest).Name} to {typeof(TResponse).Name}.");
        }

        if (methodPath != AdsMethodV3 && methodPath != AdsMethodV2)
        {
            throw new ArgumentException($"'{methodPath}' is not an ADS method; the transport calls {AdsMethodV3} and {AdsMethodV2}.", nameof(methodPath));
        }

        var callOptions = new CallOptions(deadline: Deadline(), cancellationToken: cancellationToken, credentials: _callCredentials);
        var call = _invoker.AsyncDuplexStreamingCall(methodPath == AdsMethodV3 ? _adsV3 : _adsV2, null, callOptions);
        return (IGrpcDuplexCall<TRequest, TResponse>)(object)new GrpcNetDuplexCall<DiscoveryRequest, DiscoveryResponse>(call, Translate);
    }

    /// <summary>Closes the channel: the calls still running fail with Cancelled, and the connection closes.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _channel.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The handler of the transport's single HTTP/2 connection.</summary>
    internal static SocketsHttpHandler CreateHandler(GrpcTransportOptions options)
    {
        var validator = CreateValidator(options, options.Validate());
        return CreateConfiguredHandler(options, validator, CreateClientCertificate(options, validator, null));
    }

    private static SocketsHttpHandler CreateConfiguredHandler(GrpcTransportOptions options, PilotCertificateValidator? validator, PilotClientCertificate? clientCertificate)
    {
        ArgumentNullException.ThrowIfNull(options);
        var handler = new SocketsHttpHandler
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
        handler.Properties[LoadBalancingDisabledProperty] = true;
        if (validator is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = validator.Validate;
            if (clientCertificate is not null)
            {
                // Chosen at each handshake, so a reconnect presents the certificate the files hold now.
                handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate.Select();
            }
        }

        if (options.UnixSocketPath is { } socketPath)
        {
            handler.ConnectCallback = (_, cancellationToken) => ConnectUnixSocketAsync(socketPath, cancellationToken);
        }

        return handler;
    }

    private static PilotClientCertificate? CreateClientCertificate(GrpcTransportOptions options, PilotCertificateValidator? validator, ILogger? logger) =>
        validator is not null && options.ClientCertificateFile is { } certificate && options.ClientKeyFile is { } key
            ? new PilotClientCertificate(certificate, key, logger ?? NullLogger.Instance)
            : null;

    private static PilotCertificateValidator? CreateValidator(GrpcTransportOptions options, Uri address)
    {
        if (address.Scheme != Uri.UriSchemeHttps)
        {
            return null;
        }

        var roots = options.CaFile is { } caFile ? PilotTlsFiles.LoadRoots(caFile) : null;
        return new PilotCertificateValidator(roots, options.ServerName ?? address.IdnHost, options.CaFile is { } file ? $"the CA file '{file}'" : "the system's trusted CAs", options.TimeProvider);
    }

    private static async ValueTask<Stream> ConnectUnixSocketAsync(string path, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new IOException($"cannot connect to the Unix socket '{path}': {e.SocketErrorCode} ({e.Message})", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The state-of-the-world ADS method of <paramref name="service"/> with the transport's request marshaller.</summary>
    private static Method<DiscoveryRequest, DiscoveryResponse> AdsMethod(ServiceDescriptor service, Marshaller<DiscoveryRequest> requests) =>
        new(MethodType.DuplexStreaming, service.FullName, service.FindMethodByName("StreamAggregatedResources").Name, requests, ResponseMarshaller);

    private static string MethodPath(ServiceDescriptor service, string method = "StreamAggregatedResources") =>
        $"/{service.FullName}/{service.FindMethodByName(method).Name}";

    /// <summary>The call's deadline, counted from now on <see cref="GrpcTransportOptions.TimeProvider"/>; Grpc.Net.Client enforces it.</summary>
    private DateTime? Deadline() =>
        _options.Deadline is { } deadline ? _options.TimeProvider.GetUtcNow().UtcDateTime + deadline : null;
}
