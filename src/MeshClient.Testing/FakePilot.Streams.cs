using Grpc.Core;
using MeshClient.Testing.Ads;

namespace MeshClient.Testing;

/// <summary>FakePilot's ADS streams: serving a call, the open streams, pushing to them and ending them.</summary>
public sealed partial class FakePilot
{
    /// <summary>Serves one ADS call: refused (UNAVAILABLE, trailers-only) or run as an <see cref="AdsStream"/> until it ends.</summary>
    internal async Task ServeAsync(string methodPath, IAsyncStreamReader<RequestMessage> requests, IServerStreamWriter<byte[]> responses, ServerCallContext context)
    {
        if (!Authenticate(context))
        {
            LogStreamUnauthenticated(_logger, methodPath);
            throw new RpcException(new Status(StatusCode.Unauthenticated, "authentication failure: the stream carries no valid bearer token"));
        }

        AdsStream? stream = null;
        lock (_streamsGate)
        {
            if (_accepting && !_refuseConnections)
            {
                stream = new AdsStream(this, requests, responses, context, ++_lastStreamId, methodPath, _logger);
                _streams.Add(stream);
            }
        }

        if (stream is null)
        {
            LogStreamRefused(_logger, methodPath);
            throw new RpcException(new Status(StatusCode.Unavailable, "FakePilot refuses connections."));
        }

        // A stream is complete once its response (the status trailers too) is on the wire, not when the handler
        // returns: FakePilot waits for that before it stops the server, so clients see the status, not a reset.
        context.GetHttpContext().Response.OnCompleted(() =>
        {
            stream.MarkCompleted();
            return Task.CompletedTask;
        });
        _streamCounter.Change(1);
        LogStreamOpened(_logger, stream.Id, methodPath);
        try
        {
            await stream.RunAsync();
        }
        finally
        {
            lock (_streamsGate)
            {
                _streams.Remove(stream);
            }

            _streamCounter.Change(-1);
            stream.Dispose();
        }
    }

    private AdsStream[] ActiveStreams()
    {
        lock (_streamsGate)
        {
            return [.. _streams];
        }
    }

    private Task PushToAllStreams() => Task.WhenAll(ActiveStreams().SelectMany(s => s.EnqueuePushOfSubscribedTypes()));

    private async Task EndStreamsAsync(IReadOnlyCollection<AdsStream> streams, StreamEndMode mode)
    {
        foreach (var stream in streams)
        {
            stream.End(mode);
        }

        await Task.WhenAll(streams.Select(s => s.Completion));
    }
}
