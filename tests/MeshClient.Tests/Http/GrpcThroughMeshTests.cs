using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MeshClient.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace MeshClient.Tests.Http;

/// <summary>
/// gRPC through the mesh handler over real HTTP/2 (prior knowledge) to Kestrel backends, framed by hand as
/// GrpcChannel would: every call is balanced, trailers pass through untouched, only safe calls are retried.
/// </summary>
public sealed class GrpcThroughMeshTests
{
    private const string Method = "http://greeter:9080/test.Greeter/SayHello";

    [Fact]
    public async Task Unary_calls_are_balanced_per_call_and_their_trailers_pass_through_untouched()
    {
        var backends = await TestBackend.StartManyAsync(HttpProtocols.Http2, "g1", "g2");
        try
        {
            foreach (var backend in backends)
            {
                backend.Behaviour = AnswerUnaryAsync;
            }

            using var client = MeshClients.Create(new MeshRouter(MeshTestRegistry.Create("greeter", backends), options: MeshTestRegistry.InOrder()));
            var answers = new List<string>();
            for (var i = 0; i < 4; i++)
            {
                using var response = await client.SendAsync(UnaryRequest("hi " + i), HttpCompletionOption.ResponseHeadersRead).WaitAsync(MeshClients.Bound);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(HttpVersion.Version20, response.Version);
                var message = ReadSingleMessage(await response.Content.ReadAsByteArrayAsync());
                answers.Add(message);
                var backendId = message.Split(' ')[0];
                Assert.Equal("0", response.TrailingHeaders.GetValues("grpc-status").Single());
                Assert.Equal("ok%20from%20" + backendId, response.TrailingHeaders.GetValues("grpc-message").Single());
                Assert.Equal(backendId, response.TrailingHeaders.GetValues("x-backend").Single());
            }

            // One HTTP/2 connection per endpoint, yet calls alternate: balanced per call, not per connection.
            Assert.Equal(["g1 got hi 0", "g2 got hi 1", "g1 got hi 2", "g2 got hi 3"], answers);
            Assert.All(backends.SelectMany(b => b.Received), r =>
            {
                Assert.Equal("HTTP/2", r.Protocol);
                Assert.Equal("greeter:9080", r.Host);
                Assert.Equal("/test.Greeter/SayHello", r.PathAndQuery);
                Assert.Equal("trailers", r.Headers["TE"]);
            });
        }
        finally
        {
            await Task.WhenAll(backends.Select(b => b.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task Unary_call_answered_trailers_only_unavailable_is_retried_on_another_endpoint()
    {
        var backends = await TestBackend.StartManyAsync(HttpProtocols.Http2, "draining", "healthy");
        try
        {
            backends[0].Behaviour = AnswerTrailersOnlyUnavailableAsync;
            backends[1].Behaviour = AnswerUnaryAsync;
            using var client = MeshClients.Create(new MeshRouter(MeshTestRegistry.Create("greeter", backends), options: MeshTestRegistry.InOrder()));

            using var response = await client.SendAsync(UnaryRequest("hello"), HttpCompletionOption.ResponseHeadersRead).WaitAsync(MeshClients.Bound);

            Assert.Equal("healthy got hello", ReadSingleMessage(await response.Content.ReadAsByteArrayAsync()));
            Assert.Equal("0", response.TrailingHeaders.GetValues("grpc-status").Single());
            Assert.Equal(1, backends[0].Count);
            Assert.Equal(1, backends[1].Count);
        }
        finally
        {
            await Task.WhenAll(backends.Select(b => b.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task Unary_call_that_failed_after_a_response_message_is_not_retried()
    {
        var backends = await TestBackend.StartManyAsync(HttpProtocols.Http2, "broken", "healthy");
        try
        {
            backends[0].Behaviour = async (context, backend) =>
            {
                await StartGrpcResponseAsync(context);
                await WriteMessageAsync(context, "partial");
                context.Response.AppendTrailer("grpc-status", "14");
                context.Response.AppendTrailer("grpc-message", "lost");
            };
            backends[1].Behaviour = AnswerUnaryAsync;
            using var client = MeshClients.Create(new MeshRouter(MeshTestRegistry.Create("greeter", backends), options: MeshTestRegistry.InOrder()));

            using var response = await client.SendAsync(UnaryRequest("hello"), HttpCompletionOption.ResponseHeadersRead).WaitAsync(MeshClients.Bound);

            Assert.Equal("partial", ReadSingleMessage(await response.Content.ReadAsByteArrayAsync()));
            Assert.Equal("14", response.TrailingHeaders.GetValues("grpc-status").Single());
            Assert.Equal("lost", response.TrailingHeaders.GetValues("grpc-message").Single());
            Assert.Equal(0, backends[1].Count);
        }
        finally
        {
            await Task.WhenAll(backends.Select(b => b.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task Streaming_call_answered_unavailable_is_never_retried()
    {
        var backends = await TestBackend.StartManyAsync(HttpProtocols.Http2, "draining", "healthy");
        try
        {
            backends[0].Behaviour = async (context, backend) =>
            {
                // Read the whole client stream first, then refuse: a retry would have to replay it.
                await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
                await AnswerTrailersOnlyUnavailableAsync(context, backend);
            };
            backends[1].Behaviour = AnswerUnaryAsync;
            using var client = MeshClients.Create(new MeshRouter(MeshTestRegistry.Create("greeter", backends), options: MeshTestRegistry.InOrder()));
            using var request = GrpcRequest(new StreamingGrpcContent("one", "two", "three"));

            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(MeshClients.Bound);

            Assert.Equal("14", response.Headers.GetValues("grpc-status").Single());
            Assert.Equal(1, backends[0].Count);
            Assert.Equal(0, backends[1].Count);
        }
        finally
        {
            await Task.WhenAll(backends.Select(b => b.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task Unary_call_to_a_dead_endpoint_is_retried_on_another()
    {
        var backends = await TestBackend.StartManyAsync(HttpProtocols.Http2, "dead", "healthy");
        try
        {
            backends[1].Behaviour = AnswerUnaryAsync;
            await backends[0].StopAsync();
            using var client = MeshClients.Create(new MeshRouter(MeshTestRegistry.Create("greeter", backends), options: MeshTestRegistry.InOrder()));

            using var response = await client.SendAsync(UnaryRequest("ping"), HttpCompletionOption.ResponseHeadersRead).WaitAsync(MeshClients.Bound);

            Assert.Equal("healthy got ping", ReadSingleMessage(await response.Content.ReadAsByteArrayAsync()));
            Assert.Equal("0", response.TrailingHeaders.GetValues("grpc-status").Single());
        }
        finally
        {
            await Task.WhenAll(backends.Select(b => b.DisposeAsync().AsTask()));
        }
    }

    private static HttpRequestMessage UnaryRequest(string text) => GrpcRequest(new ByteArrayContent(Frame(text)));

    private static HttpRequestMessage GrpcRequest(HttpContent content)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        var request = new HttpRequestMessage(HttpMethod.Post, Method)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        return request;
    }

    private static byte[] Frame(string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    private static string ReadSingleMessage(byte[] body)
    {
        Assert.True(body.Length >= 5, "no message in the response");
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(1));
        Assert.Equal(5 + length, body.Length);
        return Encoding.UTF8.GetString(body, 5, length);
    }

    private static async Task<string> ReadMessageAsync(HttpContext context)
    {
        var header = new byte[5];
        await context.Request.Body.ReadExactlyAsync(header, context.RequestAborted);
        var payload = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1))];
        await context.Request.Body.ReadExactlyAsync(payload, context.RequestAborted);
        return Encoding.UTF8.GetString(payload);
    }

    private static async Task StartGrpcResponseAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        context.Response.DeclareTrailer("grpc-status");
        await context.Response.StartAsync(context.RequestAborted);
    }

    private static async Task WriteMessageAsync(HttpContext context, string text)
    {
        await context.Response.Body.WriteAsync(Frame(text), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    private static async Task AnswerUnaryAsync(HttpContext context, TestBackend backend)
    {
        var text = await ReadMessageAsync(context);
        await StartGrpcResponseAsync(context);
        await WriteMessageAsync(context, $"{backend.Id} got {text}");
        context.Response.AppendTrailer("grpc-status", "0");
        context.Response.AppendTrailer("grpc-message", $"ok%20from%20{backend.Id}");
        context.Response.AppendTrailer("x-backend", backend.Id);
    }

    /// <summary>A trailers-only response: grpc-status in the headers frame, which ends the stream, no message.</summary>
    private static Task AnswerTrailersOnlyUnavailableAsync(HttpContext context, TestBackend backend)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = "14";
        context.Response.Headers["grpc-message"] = "draining";
        return Task.CompletedTask;
    }

    /// <summary>A client-streaming request body: several messages, no known length (as GrpcChannel sends streams).</summary>
    private sealed class StreamingGrpcContent(params string[] messages) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            foreach (var message in messages)
            {
                await stream.WriteAsync(Frame(message));
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
