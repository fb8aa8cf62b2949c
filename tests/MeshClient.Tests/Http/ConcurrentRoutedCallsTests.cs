using MeshClient.Routing;
using Microsoft.AspNetCore.Http;

namespace MeshClient.Tests.Http;

/// <summary>
/// Routed calls run on reused state (a pool of call objects and of timeout sources): many calls in flight through one
/// handler, each to its own path, each get their own answer, and each request is given back as the caller made it.
/// </summary>
public sealed class ConcurrentRoutedCallsTests
{
    [Fact]
    public async Task Calls_in_flight_through_one_handler_each_get_their_own_answer_and_their_request_back()
    {
        var backends = await TestBackend.StartManyAsync("a", "b", "c");
        try
        {
            foreach (var backend in backends)
            {
                backend.Behaviour = (context, _) => context.Response.WriteAsync(context.Request.Path.Value!, context.RequestAborted);
            }

            var router = new MeshRouter(MeshTestRegistry.Create("echo", backends));
            using var client = MeshClients.Create(router);

            // More calls in flight than the pools hold, several rounds, so objects are reused and also dropped.
            for (var round = 0; round < 3; round++)
            {
                var calls = Enumerable.Range(0, 100).Select(async i =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, $"http://echo:9080/call/{round}/{i}");
                    var logical = request.RequestUri;
                    using var response = await client.SendAsync(request).WaitAsync(MeshClients.Bound);
                    var body = await response.Content.ReadAsStringAsync();
                    return (Expected: $"/call/{round}/{i}", Body: body, Restored: ReferenceEquals(logical, request.RequestUri), HostLeft: request.Headers.NonValidated.Contains("Host"));
                }).ToList();

                foreach (var call in await Task.WhenAll(calls))
                {
                    Assert.Equal(call.Expected, call.Body);
                    Assert.True(call.Restored, $"{call.Expected}: the request's URI was not given back");
                    Assert.False(call.HostLeft, $"{call.Expected}: the mesh's Host header was left on the request");
                }
            }

            Assert.Equal(300, backends.Sum(b => b.Received.Count));
            Assert.All(backends, b => Assert.Equal(100, b.Received.Count));
            Assert.All(backends.SelectMany(b => b.Received), received => Assert.Equal("echo:9080", received.Host));
        }
        finally
        {
            foreach (var backend in backends)
            {
                await backend.DisposeAsync();
            }
        }
    }
}
