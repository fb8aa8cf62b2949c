using System.Net.Sockets;
using MeshClient.Testing.Tests.Grpc;

namespace MeshClient.Testing.Tests;

/// <summary>Failure injection: dropped streams, refused streams, stop and restart on the same port, held responses.</summary>
public sealed class FakePilotFailureTests : FakePilotTestBase
{
    [Fact]
    public async Task DropStreamsAsync_ends_every_stream_with_unavailable_and_new_streams_are_served()
    {
        SetReviews();
        var (first, _) = await OpenWithCdsAsync();
        var (second, _) = await OpenWithCdsAsync();
        await Pilot.WaitForConnectionCountAsync(2, Timeout);

        await Pilot.DropStreamsAsync().WaitAsync(Timeout);

        Assert.Equal(0, Pilot.ConnectedStreamCount);
        Assert.Equal(14, (await first.ReadStatusAsync()).Status);
        Assert.Equal(14, (await second.ReadStatusAsync()).Status);
        var (third, cds) = await OpenWithCdsAsync();
        Assert.Equal(4, cds.Resources.Count);
        Assert.Equal(1, Pilot.ConnectedStreamCount);
        Assert.Equal(3, Pilot.Requests[^1].StreamId);
        await third.DisposeAsync();
    }

    [Fact]
    public async Task DropStreamsAsync_with_reset_resets_the_http2_streams()
    {
        var (call, _) = await OpenWithCdsAsync();

        await Pilot.DropStreamsAsync(reset: true).WaitAsync(Timeout);

        var (status, message) = await call.ReadStatusAsync();
        Assert.Equal(13, status);
        Assert.Contains("reset the stream", message, StringComparison.Ordinal);
        await Pilot.WaitForConnectionCountAsync(0, Timeout);
    }

    [Fact]
    public async Task RefuseConnections_answers_new_streams_with_unavailable_until_turned_off()
    {
        SetReviews();
        var (open, _) = await OpenWithCdsAsync();

        Pilot.RefuseConnections = true;
        var refused = Open();
        var (status, message) = await refused.ReadStatusAsync();

        Assert.Equal(14, status);
        Assert.Contains("refuses", message);
        Assert.True((await refused.GetResponseAsync()).Headers.Contains("grpc-status"), "A refusal is a trailers-only response.");
        Assert.Equal(1, Pilot.ConnectedStreamCount);
        Assert.DoesNotContain(Pilot.Requests, r => r.StreamId != 1);

        Pilot.RefuseConnections = false;
        var (_, cds) = await OpenWithCdsAsync();
        Assert.Equal(4, cds.Resources.Count);

        SetRatings("10.2.0.1");
        Assert.Contains(Ratings, ClusterNames(await open.ReadAsync()));
    }

    [Fact]
    public async Task StopAsync_refuses_tcp_connections_and_RestartAsync_listens_on_the_same_port_with_the_same_resources()
    {
        SetReviews();
        var (call, _) = await OpenWithCdsAsync();
        var address = Pilot.Address;

        // The client reads while the server stops, as a client does; the status arrives before the connection closes.
        var end = call.ReadStatusAsync();
        await Pilot.StopAsync().WaitAsync(Timeout);

        Assert.False(Pilot.IsRunning);
        var (status, message) = await end;
        Assert.Equal(14, status);
        Assert.Contains("stopping", message);
        Assert.Equal(0, Pilot.ConnectedStreamCount);
        var refused = await Assert.ThrowsAsync<SocketException>(() => ConnectAsync(address));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);

        await Pilot.RestartAsync().WaitAsync(Timeout);

        Assert.True(Pilot.IsRunning);
        Assert.Equal(address, Pilot.Address);
        var (_, cds) = await OpenWithCdsAsync();
        Assert.Equal(4, cds.Resources.Count);
        Assert.Equal(2, Pilot.Requests[^1].StreamId);
    }

    [Fact]
    public async Task RestartAsync_while_running_ends_the_streams_and_serves_new_ones()
    {
        var (call, _) = await OpenWithCdsAsync();
        var port = Pilot.Address.Port;

        // The client reads while the server stops, as a client does; the status arrives before the connection closes.
        var end = call.ReadStatusAsync();
        await Pilot.RestartAsync().WaitAsync(Timeout);

        Assert.Equal(14, (await end).Status);
        Assert.Equal(port, Pilot.Address.Port);
        await OpenWithCdsAsync();
        await Pilot.WaitForConnectionCountAsync(1, Timeout);
    }

    [Fact]
    public async Task ResponseGate_holds_each_response_until_the_test_releases_it()
    {
        SetReviews();
        var reached = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Pilot.ResponseGate = (typeUrl, _) =>
        {
            reached.TrySetResult(typeUrl);
            return release.Task;
        };
        var call = Open();
        await call.SendAsync(Requests.First(FakePilot.ClusterTypeUrlV3));
        var read = call.ReadAsync();

        Assert.Equal(FakePilot.ClusterTypeUrlV3, await reached.Task.WaitAsync(Timeout));
        Assert.Empty(Pilot.Responses);
        Assert.False(read.IsCompleted);

        // The response is built after the gate, so it carries what is set when it opens.
        SetRatings("10.2.0.1");
        release.SetResult();

        var cds = await read;
        Assert.Contains(Ratings, ClusterNames(cds));
    }

    [Fact]
    public async Task A_gated_stream_still_ends_when_dropped()
    {
        Pilot.ResponseGate = (_, _) => new TaskCompletionSource().Task;
        var call = Open();
        await call.SendAsync(Requests.First(FakePilot.ClusterTypeUrlV3));
        await Pilot.WaitForRequestAsync(r => r.StreamId == 1, Timeout);

        await Pilot.DropStreamsAsync().WaitAsync(Timeout);

        Assert.Equal(14, (await call.ReadStatusAsync()).Status);
    }

    private static async Task ConnectAsync(Uri address)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(address.Host, address.Port).WaitAsync(Timeout);
    }
}
