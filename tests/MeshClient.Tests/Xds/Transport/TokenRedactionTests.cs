using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using MeshClient.Tests.Shared;
using MeshClient.Xds.Transport;
using static MeshClient.Tests.Xds.Transport.GrpcTestServer;

namespace MeshClient.Tests.Xds.Transport;

/// <summary>A server that echoes the token in its status message: the call's error carries the message without it.</summary>
public sealed class TokenRedactionTests : IDisposable
{
    private readonly PilotTestPki _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task A_token_echoed_by_the_server_is_redacted_from_the_error()
    {
        const string Token = "echoed-secret-token-0815";
        await using var server = await StartAsync((_, _, context) =>
            throw new RpcException(new Status(StatusCode.Unauthenticated, "bad " + context.RequestHeaders.GetValue("authorization"))));

        // A unix:// address (a token may go there) whose connection lands on the test server's loopback port.
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Address.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        handler.Properties["__GrpcLoadBalancingDisabled"] = true;
        await using var transport = new HttpGrpcTransport(new GrpcTransportOptions
        {
            Address = new Uri("unix:///var/run/not-used"),
            TokenFile = _files.WriteText("token", Token),
            HttpMessageHandler = handler,
        });
        await using var call = transport.StartAds();

        var failure = await call.ReadFailureAsync();

        Assert.Equal(StatusCode.Unauthenticated, failure.StatusCode);
        Assert.Equal("bad Bearer [token]", failure.Detail);
        Assert.DoesNotContain(Token, failure.ToString(), StringComparison.Ordinal);
        Assert.Null(failure.InnerException);
    }
}
