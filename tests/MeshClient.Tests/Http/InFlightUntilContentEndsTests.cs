using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MeshClient.LoadBalancing;
using MeshClient.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace MeshClient.Tests.Http;

/// <summary>
/// A call counts as in flight (least request) until its response content is read to the end or disposed, not just
/// until its headers: a <c>ResponseHeadersRead</c> download and a long gRPC server stream, over real sockets to Kestrel.
/// </summary>
public sealed class InFlightUntilContentEndsTests
{
    [Fact]
    public async Task A_response_headers_read_download_is_in_flight_until_read_to_the_end()
    {
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await TestBackend.StartAsync("download");
        backend.Behaviour = async (context, _) =>
        {
            await context.Response.Body.WriteAsync("first part "u8.ToArray(), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await finish.Task.WaitAsync(context.RequestAborted);
            await context.Response.Body.WriteAsync("last part"u8.ToArray(), context.RequestAborted);
        };
        var router = new MeshRouter(MeshTestRegistry.Create("files", backend));
        var statistics = router.Context.GetStatistics(MeshTestRegistry.Endpoint(backend));
        using var client = MeshClients.Create(router, MeshClients.NoRetries());

        using var response = await client.GetAsync("http://files:9080/big", HttpCompletionOption.ResponseHeadersRead).WaitAsync(MeshClients.Bound);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, statistics.InFlight);

        var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[11];
        await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(MeshClients.Bound);
        Assert.Equal("first part ", Encoding.UTF8.GetString(buffer));
        Assert.Equal(1, statistics.InFlight);

        finish.SetResult();
        using var rest = new MemoryStream();
        await stream.CopyToAsync(rest).WaitAsync(MeshClients.Bound);
        Assert.Equal("last part", Encoding.UTF8.GetString(rest.ToArray()));
        Assert.Equal(0, statistics.InFlight);

        // Disposing after the end releases nothing more.
        await stream.DisposeAsync();
        response.Dispose();
        Assert.Equal(0, statistics.InFlight);
    }

    [Fact]
    public async Task A_download_disposed_before_its_end_is_no_longer_in_flight()
    {
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var backend = await TestBackend.StartAsync("download");
        backend.Behaviour = async (context, _) =>
        {
            await context.Response.Body.WriteAsync("first part"u8.ToArray(), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await finish.Task.WaitAsync(context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        };
        var router = new MeshRouter(MeshTestRegistry.Create("files", backend));
        var statistics = router.Context.GetStatistics(MeshTestRegistry.Endpoint(backend));
        using var client = MeshClients.Create(router, MeshClients.NoRetries());

        var response = await client.GetAsync("http://files:9080/big", HttpCompletionOption.ResponseHeadersRead).WaitAsync(MeshClients.Bound);
        Assert.Equal(1, statistics.InFlight);
        response.Dispose();
        Assert.Equal(0, statistics.InFlight);
        finish.SetResult();
    }

    [Fact]
    public async Task The_wrapped_content_has_the_responses_content_headers()
    {
        await using var backend = await TestBackend.StartAsync("typed");
        backend.Behaviour = async (context, _) =>
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.ContentLength = 2;
            context.Response.Headers.ContentLanguage = "de";
            await context.Response.WriteAsync("{}", context.RequestAborted);
        };
        var router = new MeshRouter(MeshTestRegistry.Create("files", backend));
        using var client = MeshClients.Create(router, MeshClients.NoRetries());

        using var response = await client.GetAsync("http://files:9080/", HttpCompletionOption.ResponseHeadersRead).WaitAsync(MeshClients.Bound);

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal(2, response.Content.Headers.ContentLength);
        Assert.Equal(["de"], response.Content.Headers.ContentLanguage);
        Assert.Equal("{}", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("HEAD", 200)]
    [InlineData("GET", 204)]
    [InlineData("GET", 304)]
    public async Task A_response_without_content_is_no_longer_in_flight_at_its_headers(string method, int status)
    {
        await using var backend = await TestBackend.StartAsync("empty");
        backend.Behaviour = (context, _) =>
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        };
        var router = new MeshRouter(MeshTestRegistry.Create("files", backend));
        var statistics = router.Context.GetStatistics(MeshTestRegistry.Endpoint(backend));
        using var client = MeshClients.Create(router, MeshClients.NoRetries());

        // Neither read nor disposed: nothing is left to wait for.
        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "http://files:9080/"), HttpCompletionOption.ResponseHeadersRead).WaitAsync(MeshClients.Bound);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(0, statistics.InFlight);
        response.Dispose();
    }

    [Fact]
    public async Task A_buffered_response_is_in_flight_only_while_it_is_read()
    {
        await using var backend = await TestBackend.StartAsync("plain");
        var router = new MeshRouter(MeshTestRegistry.Create("files", backend));
        var statistics = router.Context.GetStatistics(MeshTestRegistry.Endpoint(backend));
        using var client = MeshClients.Create(router, MeshClients.NoRetries());

        using var response = await client.GetAsync("http://files:9080/").WaitAsync(MeshClients.Bound);
        Assert.Equal("plain", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, statistics.InFlight);
    }

    [Fact]
    public async Task A_long_grpc_server_stream_is_in_flight_for_its_whole_life_so_least_request_sends_other_calls_elsewhere()
    {
        var next = new SemaphoreSlim(0);
        var backends = await TestBackend.StartManyAsync(HttpProtocols.Http2, "a", "b");
        try
        {
            foreach (var backend in backends)
            {
                backend.Behaviour = async (context, self) =>
                {
                    context.Response.ContentType = "application/grpc";
                    context.Response.DeclareTrailer("grpc-status");
                    await context.Response.StartAsync(context.RequestAborted);
                    var messages = context.Request.Path.Value!.EndsWith("/Watch", StringComparison.Ordinal) ? 3 : 1;
                    for (var i = 0; i < messages; i++)
                    {
                        if (i > 0)
                        {
                            await next.WaitAsync(context.RequestAborted);
                        }

                        await context.Response.Body.WriteAsync(Frame($"{self.Id} {i}"), context.RequestAborted);
                        await context.Response.Body.FlushAsync(context.RequestAborted);
                    }

                    context.Response.AppendTrailer("grpc-status", "0");
                };
            }

            var options = new MeshRouterOptions { DefaultStrategy = LoadBalancingStrategy.LeastRequest };
            var router = new MeshRouter(MeshTestRegistry.Create("watcher", backends), options: options);
            using var client = MeshClients.Create(router, MeshClients.NoRetries());

            using var stream = await client.SendAsync(GrpcRequest("Watch"), HttpCompletionOption.ResponseHeadersRead).WaitAsync(MeshClients.Bound);
            var body = await stream.Content.ReadAsStreamAsync();
            var first = await ReadMessageAsync(body);
            var streaming = first.Split(' ')[0];
            var streamStatistics = router.Context.GetStatistics(MeshTestRegistry.Endpoint(backends.Single(b => b.Id == streaming)));
            Assert.Equal(1, streamStatistics.InFlight);

            // While the stream is open, every unary call goes to the other endpoint (it has fewer calls in flight).
            for (var i = 0; i < 2; i++)
            {
                using var unary = await client.SendAsync(GrpcRequest("Get"), HttpCompletionOption.ResponseHeadersRead).WaitAsync(MeshClients.Bound);
                var answer = await ReadMessageAsync(await unary.Content.ReadAsStreamAsync());
                Assert.NotEqual(streaming, answer.Split(' ')[0]);
                Assert.Equal(1, streamStatistics.InFlight);
                next.Release();
                Assert.Equal($"{streaming} {i + 1}", await ReadMessageAsync(body));
            }

            Assert.Equal(1, streamStatistics.InFlight);
            Assert.Equal(0, await body.ReadAsync(new byte[1]).AsTask().WaitAsync(MeshClients.Bound));
            Assert.Equal("0", stream.TrailingHeaders.GetValues("grpc-status").Single());
            Assert.Equal(0, streamStatistics.InFlight);
        }
        finally
        {
            await Task.WhenAll(backends.Select(b => b.DisposeAsync().AsTask()));
        }
    }

    private static HttpRequestMessage GrpcRequest(string method)
    {
        var content = new ByteArrayContent(Frame("request"));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        var request = new HttpRequestMessage(HttpMethod.Post, $"http://watcher:9080/test.Watcher/{method}")
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

    private static async Task<string> ReadMessageAsync(Stream body)
    {
        var header = new byte[5];
        await body.ReadExactlyAsync(header).AsTask().WaitAsync(MeshClients.Bound);
        var payload = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1))];
        await body.ReadExactlyAsync(payload).AsTask().WaitAsync(MeshClients.Bound);
        return Encoding.UTF8.GetString(payload);
    }
}
