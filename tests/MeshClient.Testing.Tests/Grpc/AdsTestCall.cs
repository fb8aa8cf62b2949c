using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using MeshClient.Xds.Protos.Discovery;

namespace MeshClient.Testing.Tests.Grpc;

/// <summary>
/// A gRPC bidirectional call to FakePilot's ADS method with Grpc.Net.Client (HTTP/2 with prior knowledge): writes
/// DiscoveryRequests (or any bytes), reads DiscoveryResponses (or their bytes) and the final status. Its messages are
/// bytes (pass-through marshallers) so a test can send and see what is not a valid message. Every wait is bounded.
/// </summary>
internal sealed class AdsTestCall : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static readonly Marshaller<byte[]> PassThrough = Marshallers.Create(static (byte[] bytes) => bytes, static bytes => bytes);

    private readonly ResponseCapture _capture;
    private readonly GrpcChannel _channel;
    private readonly AsyncDuplexStreamingCall<byte[], byte[]> _call;
    private Status? _status;
    private bool _disposed;

    private AdsTestCall(Uri address, string methodPath)
    {
        // Each call has its own connection: a call opened right after FakePilot restarts never meets the connection
        // FakePilot has just closed. An HttpClient (not a handler) keeps Grpc.Net.Client's balancer off.
        _capture = new ResponseCapture(new SocketsHttpHandler());
        _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpClient = new HttpClient(_capture) { Timeout = System.Threading.Timeout.InfiniteTimeSpan },
            DisposeHttpClient = true,
            MaxReceiveMessageSize = null,
        });
        var parts = methodPath.Split('/');
        var method = new Method<byte[], byte[]>(MethodType.DuplexStreaming, parts[1], parts[2], PassThrough, PassThrough);
        _call = _channel.CreateCallInvoker().AsyncDuplexStreamingCall(method, null, default);
    }

    /// <summary>Starts a call on the v3 (default) or v2 ADS method, on a new HTTP/2 connection (plaintext, prior knowledge).</summary>
    public static AdsTestCall Start(Uri address, string methodPath = FakePilot.AdsMethodV3) => new(address, methodPath);

    /// <summary>Writes one request.</summary>
    public Task SendAsync(DiscoveryRequest request) => SendRawAsync(request.ToByteArray());

    /// <summary>Writes one message with any bytes.</summary>
    public Task SendRawAsync(byte[] bytes) => _call.RequestStream.WriteAsync(bytes).WaitAsync(Timeout);

    /// <summary>Reads the next response; fails when the call ends instead.</summary>
    public async Task<DiscoveryResponse> ReadAsync()
    {
        var bytes = await ReadMessageAsync();
        if (bytes is null)
        {
            var (status, message) = await ReadStatusAsync();
            throw new InvalidOperationException($"Expected a response, but the call ended with grpc-status {status} ({message}).");
        }

        return DiscoveryResponse.Parser.ParseFrom(bytes);
    }

    /// <summary>Reads the next message's bytes, or null when the call ended (<see cref="ReadStatusAsync"/> tells how).</summary>
    public async Task<byte[]?> ReadMessageAsync()
    {
        if (_status is not null)
        {
            return null;
        }

        try
        {
            if (await _call.ResponseStream.MoveNext().WaitAsync(Timeout))
            {
                return _call.ResponseStream.Current;
            }

            _status = _call.GetStatus();
        }
        catch (RpcException ex)
        {
            _status = ex.Status;
        }

        return null;
    }

    /// <summary>Reads to the end of the call (no more messages allowed) and returns the status code and message.</summary>
    public async Task<(int Status, string Message)> ReadStatusAsync()
    {
        var message = await ReadMessageAsync();
        Assert.True(message is null, "Expected the call to end, but another message arrived.");
        var status = _status!.Value;
        return ((int)status.StatusCode, status.Detail);
    }

    /// <summary>The HTTP response headers (waiting for them): a trailers-only response carries grpc-status here.</summary>
    public Task<HttpResponseMessage> GetResponseAsync() => _capture.Response.WaitAsync(Timeout);

    /// <summary>Half-closes the call.</summary>
    public Task CompleteRequestsAsync() => _call.RequestStream.CompleteAsync().WaitAsync(Timeout);

    public ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            _call.Dispose();
            _channel.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Keeps the HTTP response of the call's one request.</summary>
    private sealed class ResponseCapture(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private readonly TaskCompletionSource<HttpResponseMessage> _response = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<HttpResponseMessage> Response => _response.Task;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            _response.TrySetResult(response);
            return response;
        }
    }
}
