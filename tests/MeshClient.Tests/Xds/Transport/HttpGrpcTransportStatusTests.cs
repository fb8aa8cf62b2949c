using System.Net;
using System.Net.Sockets;
using Google.Protobuf.WellKnownTypes;
using MeshClient.Xds.Transport;
using Microsoft.AspNetCore.Http;
using static MeshClient.Tests.Xds.Transport.GrpcServerCalls;

namespace MeshClient.Tests.Xds.Transport;

/// <summary>How a call ends: statuses from trailers, trailers-only responses, HTTP errors, resets and connection failures.</summary>
public sealed class HttpGrpcTransportStatusTests
{
    private const string Method = "/test.Echo/Chat";

    [Fact]
    public async Task Error_status_in_trailers_fails_the_read_with_the_percent_decoded_message()
    {
        const string Text = "cluster 'outbound|9080||reviews' not found: ✓ 100% sure";
        var encoded = NewSignal<string>();
        await using var server = await GrpcTestServer.StartAsync(async context =>
        {
            await context.StartResponseAsync();
            await context.WriteResponseAsync(new StringValue { Value = "before the error" });
            encoded.TrySetResult(GrpcStatusMessageEncoding.Encode(Text));
            context.EndWithStatus(GrpcStatusCode.NotFound, Text);
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartDuplexStreaming<StringValue, StringValue>(Method, StringValue.Parser, CancellationToken.None);

        Assert.Equal("before the error", (await call.ReadBoundedAsync())?.Value);
        var failure = await call.ReadFailureAsync();

        Assert.Equal(GrpcStatusCode.NotFound, failure.StatusCode);
        Assert.Equal(Text, failure.Detail);
        Assert.Contains("%E2%9C%93", await encoded.Task.WaitAsync(Bound)); // it really travelled percent-encoded
        var again = await call.ReadFailureAsync();
        Assert.Same(failure, again);
        Assert.Same(failure, await Assert.ThrowsAsync<GrpcCallException>(() => call.WriteBoundedAsync(new StringValue())));
    }

    [Fact]
    public async Task Trailers_only_response_carries_the_status_in_its_headers()
    {
        await using var server = await GrpcTestServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = "7";
            context.Response.Headers["grpc-message"] = GrpcStatusMessageEncoding.Encode("node id missing");
            return Task.CompletedTask;
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartDuplexStreaming<StringValue, StringValue>(Method, StringValue.Parser, CancellationToken.None);

        var failure = await call.ReadFailureAsync();

        Assert.Equal(GrpcStatusCode.PermissionDenied, failure.StatusCode);
        Assert.Equal("node id missing", failure.Detail);
    }

    [Fact]
    public async Task Trailers_only_OK_ends_the_reads()
    {
        await using var server = await GrpcTestServer.StartAsync(context =>
        {
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = "0";
            return Task.CompletedTask;
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartDuplexStreaming<StringValue, StringValue>(Method, StringValue.Parser, CancellationToken.None);

        Assert.Null(await call.ReadBoundedAsync());
    }

    [Theory]
    [InlineData(400, (int)GrpcStatusCode.Internal)]
    [InlineData(401, (int)GrpcStatusCode.Unauthenticated)]
    [InlineData(403, (int)GrpcStatusCode.PermissionDenied)]
    [InlineData(404, (int)GrpcStatusCode.Unimplemented)]
    [InlineData(429, (int)GrpcStatusCode.Unavailable)]
    [InlineData(502, (int)GrpcStatusCode.Unavailable)]
    [InlineData(503, (int)GrpcStatusCode.Unavailable)]
    [InlineData(504, (int)GrpcStatusCode.Unavailable)]
    [InlineData(500, (int)GrpcStatusCode.Unknown)]
    public async Task Http_status_other_than_200_maps_to_the_protocols_grpc_status(int httpStatus, int expectedCode)
    {
        await using var server = await GrpcTestServer.StartAsync(context =>
        {
            context.Response.StatusCode = httpStatus;
            context.Response.ContentType = "text/plain";
            return context.Response.WriteAsync("proxy error page");
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartDuplexStreaming<StringValue, StringValue>(Method, StringValue.Parser, CancellationToken.None);

        var failure = await call.ReadFailureAsync();

        Assert.Equal((GrpcStatusCode)expectedCode, failure.StatusCode);
        Assert.Contains($"HTTP status {httpStatus}", failure.Detail);
    }

    [Fact]
    public async Task Grpc_status_wins_over_the_http_status()
    {
        await using var server = await GrpcTestServer.StartAsync(context =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = "8";
            return Task.CompletedTask;
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartDuplexStreaming<StringValue, StringValue>(Method, StringValue.Parser, CancellationToken.None);

        Assert.Equal(GrpcStatusCode.ResourceExhausted, (await call.ReadFailureAsync()).StatusCode);
    }

    [Fact]
    public async Task Response_that_ends_without_grpc_status_is_Internal()
    {
        await using var server = await GrpcTestServer.StartAsync(async context =>
        {
            await context.StartResponseAsync();
            await context.WriteResponseAsync(new StringValue { Value = "a" });
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartDuplexStreaming<StringValue, StringValue>(Method, StringValue.Parser, CancellationToken.None);

        Assert.Equal("a", (await call.ReadBoundedAsync())?.Value);
        var failure = await call.ReadFailureAsync();

        Assert.Equal(GrpcStatusCode.Internal, failure.StatusCode);
        Assert.Contains("without a grpc-status", failure.Detail);
    }

    [Fact]
    public async Task Grpc_status_that_is_not_a_number_is_Unknown()
    {
        await using var server = await GrpcTestServer.StartAsync(async context =>
        {
            await context.StartResponseAsync();
            context.Response.AppendTrailer("grpc-status", "abc");
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartDuplexStreaming<StringValue, StringValue>(Method, StringValue.Parser, CancellationToken.None);

        var failure = await call.ReadFailureAsync();

        Assert.Equal(GrpcStatusCode.Unknown, failure.StatusCode);
        Assert.Contains("'abc'", failure.Detail);
    }

    [Fact]
    public async Task Http_200_with_another_content_type_is_Internal()
    {
        await using var server = await GrpcTestServer.StartAsync(context =>
        {
            context.Response.ContentType = "text/html";
            return context.Response.WriteAsync("<html>login</html>");
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartDuplexStreaming<StringValue, StringValue>(Method, StringValue.Parser, CancellationToken.None);

        var failure = await call.ReadFailureAsync();

        Assert.Equal(GrpcStatusCode.Internal, failure.StatusCode);
        Assert.Contains("text/html", failure.Detail);
    }

    [Theory]
    [InlineData(0x8, (int)GrpcStatusCode.Cancelled)] // CANCEL
    [InlineData(0x7, (int)GrpcStatusCode.Unavailable)] // REFUSED_STREAM
    [InlineData(0x2, (int)GrpcStatusCode.Internal)] // INTERNAL_ERROR
    [InlineData(0xB, (int)GrpcStatusCode.ResourceExhausted)] // ENHANCE_YOUR_CALM
    public async Task Stream_reset_by_the_server_maps_its_http2_error_code(int errorCode, int expectedCode)
    {
        await using var server = await GrpcTestServer.StartAsync(async context =>
        {
            await context.StartResponseAsync();
            await context.WriteResponseAsync(new StringValue { Value = "first" });

            // RST_STREAM discards what the client has not read yet, so reset only after the client has read "first".
            await context.ReadRequestAsync(StringValue.Parser);
            context.Reset(errorCode);
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartDuplexStreaming<StringValue, StringValue>(Method, StringValue.Parser, CancellationToken.None);

        Assert.Equal("first", (await call.ReadBoundedAsync())?.Value);
        await call.WriteBoundedAsync(new StringValue { Value = "got it" });
        var failure = await call.ReadFailureAsync();

        Assert.Equal((GrpcStatusCode)expectedCode, failure.StatusCode);
        Assert.Contains("reset", failure.Detail);
    }

    [Fact]
    public async Task Message_larger_than_the_maximum_is_ResourceExhausted_and_resets_the_stream()
    {
        var aborted = NewSignal();
        await using var server = await GrpcTestServer.StartAsync(async context =>
        {
            await context.StartResponseAsync();
            await context.WriteResponseAsync(new StringValue { Value = new string('x', 100) });
            await context.WriteResponseAsync(new StringValue { Value = new string('x', 1000) });
            await context.WaitForAbortAsync(aborted);
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address, MaxReceiveMessageSize = 512 });
        await using var call = transport.StartDuplexStreaming<StringValue, StringValue>(Method, StringValue.Parser, CancellationToken.None);

        Assert.Equal(100, (await call.ReadBoundedAsync())?.Value.Length);
        var failure = await call.ReadFailureAsync();

        Assert.Equal(GrpcStatusCode.ResourceExhausted, failure.StatusCode);
        Assert.Contains("512", failure.Detail);
        await aborted.Task.WaitAsync(Bound);
    }

    [Fact]
    public async Task Compressed_message_is_an_Internal_error()
    {
        await using var server = await GrpcTestServer.StartAsync(async context =>
        {
            await context.StartResponseAsync();
            await context.Response.Body.WriteAsync(new byte[] { 1, 0, 0, 0, 2, 0x0A, 0x00 });
            context.EndWithStatus(GrpcStatusCode.OK);
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartDuplexStreaming<StringValue, StringValue>(Method, StringValue.Parser, CancellationToken.None);

        var failure = await call.ReadFailureAsync();

        Assert.Equal(GrpcStatusCode.Internal, failure.StatusCode);
        Assert.Contains("compressed", failure.Detail);
    }

    [Fact]
    public async Task Message_that_does_not_parse_is_Internal()
    {
        await using var server = await GrpcTestServer.StartAsync(async context =>
        {
            await context.StartResponseAsync();
            await context.Response.Body.WriteAsync(new byte[] { 0, 0, 0, 0, 2, 0x0A, 0x05 }); // string field claims 5 bytes, has 0
            context.EndWithStatus(GrpcStatusCode.OK);
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartDuplexStreaming<StringValue, StringValue>(Method, StringValue.Parser, CancellationToken.None);

        var failure = await call.ReadFailureAsync();

        Assert.Equal(GrpcStatusCode.Internal, failure.StatusCode);
        Assert.Contains("could not be parsed", failure.Detail);
    }

    [Fact]
    public async Task Connection_refused_is_Unavailable_with_the_cause()
    {
        int port;
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            // Bound but never listening, then closed: nobody accepts on this port.
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        }

        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = new Uri($"grpc://127.0.0.1:{port}") });
        await using var call = transport.StartDuplexStreaming<StringValue, StringValue>(Method, StringValue.Parser, CancellationToken.None);

        var writeFailure = await Assert.ThrowsAsync<GrpcCallException>(() => call.WriteBoundedAsync(new StringValue { Value = "hello" }));
        var readFailure = await call.ReadFailureAsync();

        Assert.Same(writeFailure, readFailure);
        Assert.Equal(GrpcStatusCode.Unavailable, readFailure.StatusCode);
        Assert.Contains($"127.0.0.1:{port}", readFailure.Detail);
        Assert.Contains("refused", readFailure.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.IsType<HttpRequestException>(readFailure.InnerException);
    }
}
