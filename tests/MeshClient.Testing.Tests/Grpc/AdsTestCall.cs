using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using MeshClient.Xds.Protos.Discovery;

namespace MeshClient.Testing.Tests.Grpc;

/// <summary>
/// A raw gRPC bidirectional call to FakePilot's ADS method over HttpClient (HTTP/2 with prior knowledge): writes
/// DiscoveryRequests, reads DiscoveryResponses and the final grpc-status. Every wait is bounded.
/// </summary>
internal sealed class AdsTestCall : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly DuplexRequestContent _content = new();
    private readonly CancellationTokenSource _cancel = new();
    private readonly Task<HttpResponseMessage> _response;
    private Stream? _responseBody;
    private bool _disposed;

    private AdsTestCall(HttpClient client, Uri address, string methodPath)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, methodPath))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = _content,
        };
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        _response = client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _cancel.Token);
    }

    /// <summary>Starts a call on the v3 (default) or v2 ADS method.</summary>
    public static AdsTestCall Start(HttpClient client, Uri address, string methodPath = FakePilot.AdsMethodV3) => new(client, address, methodPath);

    /// <summary>An HttpClient that speaks HTTP/2 without TLS (prior knowledge).</summary>
    public static HttpClient CreateClient() => new(new SocketsHttpHandler { EnableMultipleHttp2Connections = true });

    /// <summary>Writes one request.</summary>
    public Task SendAsync(DiscoveryRequest request) => SendRawAsync(request.ToByteArray());

    /// <summary>Writes one message with any bytes.</summary>
    public async Task SendRawAsync(byte[] bytes)
    {
        var stream = await _content.RequestStream.WaitAsync(Timeout);
        var frame = new byte[5 + bytes.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1, 4), (uint)bytes.Length);
        bytes.CopyTo(frame, 5);
        await stream.WriteAsync(frame).AsTask().WaitAsync(Timeout);
        await stream.FlushAsync().WaitAsync(Timeout);
    }

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

    /// <summary>Reads the next message's bytes, or null when the response body ended.</summary>
    public async Task<byte[]?> ReadMessageAsync()
    {
        var body = await GetResponseBodyAsync();
        var header = new byte[5];
        if (!await ReadExactlyAsync(body, header))
        {
            return null;
        }

        Assert.Equal(0, header[0]);
        var message = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1))];
        Assert.True(await ReadExactlyAsync(body, message), "The response body ended inside a message.");
        return message;
    }

    /// <summary>Reads to the end of the call (no more messages allowed) and returns grpc-status and grpc-message.</summary>
    public async Task<(int Status, string? Message)> ReadStatusAsync()
    {
        var response = await _response.WaitAsync(Timeout);
        if (TryGetStatus(response.Headers, out var trailersOnly))
        {
            return trailersOnly;
        }

        var body = await GetResponseBodyAsync();
        var rest = new byte[1];
        var read = await body.ReadAsync(rest).AsTask().WaitAsync(Timeout);
        Assert.True(read == 0, "Expected the call to end, but another message arrived.");
        Assert.True(TryGetStatus(response.TrailingHeaders, out var status), "The call ended without grpc-status.");
        return status;
    }

    /// <summary>The response headers (waiting for them).</summary>
    public async Task<HttpResponseMessage> GetResponseAsync() => await _response.WaitAsync(Timeout);

    /// <summary>Half-closes the call.</summary>
    public void CompleteRequests() => _content.Complete();

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _cancel.CancelAsync();
        _content.Complete();
        try
        {
            (await _response).Dispose();
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException)
        {
            // The call failed or was cancelled; nothing to release.
        }

        _cancel.Dispose();
    }

    private async Task<Stream> GetResponseBodyAsync()
    {
        if (_responseBody is null)
        {
            var response = await _response.WaitAsync(Timeout);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/grpc", response.Content.Headers.ContentType?.MediaType);
            _responseBody = await response.Content.ReadAsStreamAsync();
        }

        return _responseBody;
    }

    private static async Task<bool> ReadExactlyAsync(Stream stream, byte[] buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(total)).AsTask().WaitAsync(Timeout);
            if (n == 0)
            {
                Assert.True(total == 0, "The response body ended inside a message.");
                return false;
            }

            total += n;
        }

        return true;
    }

    private static bool TryGetStatus(HttpHeaders headers, out (int Status, string? Message) status)
    {
        status = default;
        if (!headers.TryGetValues("grpc-status", out var values))
        {
            return false;
        }

        var message = headers.TryGetValues("grpc-message", out var messages) ? Uri.UnescapeDataString(messages.Single()) : null;
        status = (int.Parse(values.Single(), CultureInfo.InvariantCulture), message);
        return true;
    }
}
