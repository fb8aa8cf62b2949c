using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using MeshClient.Xds.Transport;
using static MeshClient.Tests.Xds.Transport.GrpcServerCalls;

namespace MeshClient.Tests.Xds.Transport;

/// <summary>Bidirectional streaming against a real Kestrel HTTP/2 server on loopback.</summary>
public sealed class HttpGrpcTransportStreamingTests
{
    private const string Method = "/test.Echo/Chat";

    [Fact]
    public async Task Ping_pong_of_several_messages_over_a_grpc_address_then_OK_ends_the_reads()
    {
        var serverSawEndOfRequests = NewSignal();
        await using var server = await GrpcTestServer.StartAsync(async context =>
        {
            await context.StartResponseAsync();
            while (await context.ReadRequestAsync(StringValue.Parser) is { } request)
            {
                await context.WriteResponseAsync(new StringValue { Value = "pong:" + request.Value });
            }

            serverSawEndOfRequests.TrySetResult();
            context.EndWithStatus(GrpcStatusCode.OK);
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.GrpcAddress });
        await using var call = transport.StartDuplexStreaming<StringValue, StringValue>(Method, StringValue.Parser, CancellationToken.None);

        for (var i = 0; i < 5; i++)
        {
            await call.WriteBoundedAsync(new StringValue { Value = "ping" + i });
            var response = await call.ReadBoundedAsync();
            Assert.Equal("pong:ping" + i, response?.Value);
        }

        await call.CompleteWritesAsync().WaitAsync(Bound);
        await serverSawEndOfRequests.Task.WaitAsync(Bound);
        Assert.Null(await call.ReadBoundedAsync());
        Assert.Null(await call.ReadBoundedAsync());
    }

    [Fact]
    public async Task Server_sees_the_grpc_request_headers_over_http2()
    {
        var seen = NewSignal<IReadOnlyDictionary<string, string>>();
        await using var server = await GrpcTestServer.StartAsync(async context =>
        {
            seen.TrySetResult(new Dictionary<string, string>
            {
                ["protocol"] = context.Request.Protocol,
                ["method"] = context.Request.Method,
                ["path"] = context.Request.Path.Value!,
                ["content-type"] = context.Request.ContentType ?? "",
                ["te"] = context.Request.Headers.TE.ToString(),
                ["user-agent"] = context.Request.Headers.UserAgent.ToString(),
                ["has-grpc-timeout"] = context.Request.Headers.ContainsKey("grpc-timeout").ToString(),
            });
            await context.StartResponseAsync();
            context.EndWithStatus(GrpcStatusCode.OK);
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartDuplexStreaming<StringValue, StringValue>(
            "/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources", StringValue.Parser, CancellationToken.None);

        Assert.Null(await call.ReadBoundedAsync());
        var headers = await seen.Task.WaitAsync(Bound);
        Assert.Equal("HTTP/2", headers["protocol"]);
        Assert.Equal("POST", headers["method"]);
        Assert.Equal("/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources", headers["path"]);
        Assert.Equal("application/grpc", headers["content-type"]);
        Assert.Equal("trailers", headers["te"]);
        Assert.StartsWith("meshclient-dotnet/", headers["user-agent"]);
        Assert.Equal(HttpGrpcTransport.UserAgent, headers["user-agent"]);
        Assert.Equal("False", headers["has-grpc-timeout"]);
    }

    [Fact]
    public async Task Request_headers_reach_the_server_before_the_first_write_on_a_new_and_a_reused_connection()
    {
        var signals = new[] { NewSignal(), NewSignal() };
        var aborted = new[] { NewSignal(), NewSignal() };
        var calls = 0;
        await using var server = await GrpcTestServer.StartAsync(async context =>
        {
            var index = Interlocked.Increment(ref calls) - 1;
            signals[index].TrySetResult();
            await context.WaitForAbortAsync(aborted[index]);
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });

        // The first call opens the connection; the second reuses it, where nothing else flushes the headers.
        for (var i = 0; i < 2; i++)
        {
            var call = transport.StartDuplexStreaming<StringValue, StringValue>(Method, StringValue.Parser, CancellationToken.None);
            await signals[i].Task.WaitAsync(Bound);
            await call.DisposeAsync();
            await aborted[i].Task.WaitAsync(Bound);
        }
    }

    [Fact]
    public async Task Server_may_end_with_OK_before_the_client_completes_its_writes()
    {
        await using var server = await GrpcTestServer.StartAsync(async context =>
        {
            await context.StartResponseAsync();
            await context.WriteResponseAsync(new StringValue { Value = "one" });
            await context.WriteResponseAsync(new StringValue { Value = "two" });
            context.EndWithStatus(GrpcStatusCode.OK);
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartDuplexStreaming<StringValue, StringValue>(Method, StringValue.Parser, CancellationToken.None);

        Assert.Equal("one", (await call.ReadBoundedAsync())?.Value);
        Assert.Equal("two", (await call.ReadBoundedAsync())?.Value);
        Assert.Null(await call.ReadBoundedAsync());
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => call.WriteBoundedAsync(new StringValue()));
        Assert.Contains("ended the call with OK", error.Message);
    }

    [Fact]
    public async Task Write_after_completing_writes_is_rejected()
    {
        var requests = new ConcurrentQueue<string>();
        await using var server = await GrpcTestServer.StartAsync(async context =>
        {
            await context.StartResponseAsync();
            while (await context.ReadRequestAsync(StringValue.Parser) is { } request)
            {
                requests.Enqueue(request.Value);
            }

            context.EndWithStatus(GrpcStatusCode.OK);
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartDuplexStreaming<StringValue, StringValue>(Method, StringValue.Parser, CancellationToken.None);

        await call.WriteBoundedAsync(new StringValue { Value = "only" });
        await call.CompleteWritesAsync().WaitAsync(Bound);
        await Assert.ThrowsAsync<InvalidOperationException>(() => call.WriteBoundedAsync(new StringValue { Value = "late" }));
        Assert.Null(await call.ReadBoundedAsync());
        Assert.Equal(["only"], requests);
    }

    [Fact]
    public async Task Concurrent_writes_are_serialized_into_whole_messages()
    {
        const int Writers = 24;
        const int Size = 20_000; // larger than one HTTP/2 DATA frame (16 KiB), so unserialized writes would interleave
        var received = new ConcurrentBag<string>();
        await using var server = await GrpcTestServer.StartAsync(async context =>
        {
            await context.StartResponseAsync();
            while (await context.ReadRequestAsync(StringValue.Parser) is { } request)
            {
                received.Add(request.Value);
            }

            context.EndWithStatus(GrpcStatusCode.OK);
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        await using var call = transport.StartDuplexStreaming<StringValue, StringValue>(Method, StringValue.Parser, CancellationToken.None);

        var writes = Enumerable.Range(0, Writers)
            .Select(i => Task.Run(() => call.WriteAsync(new StringValue { Value = new string((char)('A' + i), Size) }, CancellationToken.None)))
            .ToArray();
        await Task.WhenAll(writes).WaitAsync(Bound);
        await call.CompleteWritesAsync().WaitAsync(Bound);

        Assert.Null(await call.ReadBoundedAsync());
        Assert.Equal(Writers, received.Count);
        Assert.All(received, value => Assert.True(value.Length == Size && value.All(c => c == value[0]), "a message was interleaved with another"));
        Assert.Equal(Enumerable.Range(0, Writers).Select(i => (char)('A' + i)), received.Select(v => v[0]).Order());
    }

    [Fact]
    public async Task Overlapping_reads_are_rejected()
    {
        var started = NewSignal();
        var aborted = NewSignal();
        await using var server = await GrpcTestServer.StartAsync(async context =>
        {
            await context.StartResponseAsync();
            started.TrySetResult();
            await context.WaitForAbortAsync(aborted);
        });
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions { Address = server.Address });
        var call = transport.StartDuplexStreaming<StringValue, StringValue>(Method, StringValue.Parser, CancellationToken.None);
        await started.Task.WaitAsync(Bound);

        var pending = call.ReadAsync(CancellationToken.None).AsTask();
        await Assert.ThrowsAsync<InvalidOperationException>(() => call.ReadAsync(CancellationToken.None).AsTask());
        await call.DisposeAsync();
        var failure = await Assert.ThrowsAsync<GrpcCallException>(() => pending.WaitAsync(Bound));
        Assert.Equal(GrpcStatusCode.Cancelled, failure.StatusCode);
        await aborted.Task.WaitAsync(Bound);
    }
}
