using System.Collections.Immutable;
using System.Threading.Channels;
using Grpc.Core;
using MeshClient.Testing.Resources;
using MeshClient.Xds.Protos.Core;
using MeshClient.Xds.Protos.Discovery;
using Microsoft.Extensions.Logging;

namespace MeshClient.Testing.Ads;

/// <summary>
/// One ADS stream (one Grpc.AspNetCore call) on the server side, behaving like Pilot: the first request must carry a
/// parseable node id; stale nonces and NACKs are not answered; an ACK is answered only when the subscribed names
/// changed. Requests are read by <see cref="RunAsync"/>; responses are written, in order, by one writer loop, which
/// runs on the thread that queued the response when it is idle. The
/// call's messages are bytes (pass-through marshallers): requests are parsed here, responses serialized here.
/// </summary>
internal sealed partial class AdsStream : IDisposable
{
    private readonly FakePilot _pilot;
    private readonly IAsyncStreamReader<RequestMessage> _requests;
    private readonly IServerStreamWriter<byte[]> _responses;
    private readonly ServerCallContext _context;
    private readonly ILogger _logger;

    // The writer loop continues on the thread that queues an item (synchronous continuations): a push starts on the
    // thread that asks for it instead of waiting for a thread-pool thread to pick the writer up (a hop before every
    // push, long when the cores are busy). Items still go out one at a time, in order.
    private readonly Channel<OutboundItem> _outbound = Channel.CreateUnbounded<OutboundItem>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = true });
    private readonly CancellationTokenSource _end = new();
    private readonly object _gate = new();
    private readonly Dictionary<string, TypeState> _types = new(StringComparer.Ordinal);
    private readonly List<string> _typeOrder = [];
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _endMode;

    public AdsStream(
        FakePilot pilot,
        IAsyncStreamReader<RequestMessage> requests,
        IServerStreamWriter<byte[]> responses,
        ServerCallContext context,
        int id,
        string methodPath,
        ILogger logger)
    {
        _pilot = pilot;
        _requests = requests;
        _responses = responses;
        _context = context;
        Id = id;
        MethodPath = methodPath;
        _logger = logger;
    }

    /// <summary>The stream's number.</summary>
    public int Id { get; }

    /// <summary>The gRPC method path the stream was opened on.</summary>
    public string MethodPath { get; }

    /// <summary>Completes after the stream's response has been sent whole (or the stream was reset).</summary>
    public Task Completion => _completion.Task;

    private StreamEndMode EndMode => (StreamEndMode)Volatile.Read(ref _endMode);

    /// <summary>Asks the stream to end; the first mode asked for wins.</summary>
    public void End(StreamEndMode mode)
    {
        Interlocked.CompareExchange(ref _endMode, (int)mode, (int)StreamEndMode.None);
        try
        {
            _end.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The stream has already ended.
        }
    }

    /// <summary>Marks the stream as finished (called by FakePilot once the response is complete).</summary>
    public void MarkCompleted() => _completion.TrySetResult();

    /// <summary>Queues a response for every type the stream subscribed to, cluster types first.</summary>
    public IEnumerable<Task> EnqueuePushOfSubscribedTypes()
    {
        string[] types;
        lock (_gate)
        {
            types = [.. _typeOrder.Where(t => _types[t].Subscribed)
                .OrderBy(t => XdsTypeUrls.IsCluster(t) ? 0 : XdsTypeUrls.IsEndpoints(t) ? 1 : 2)];
        }

        return [.. types.Select(t => Enqueue(OutboundItem.Subscribed(t)))];
    }

    /// <summary>Queues an EDS response holding only <paramref name="clusterNames"/> (those the stream subscribed to).</summary>
    public IEnumerable<Task> EnqueuePartialEndpoints(ImmutableArray<string> clusterNames)
    {
        string[] types;
        lock (_gate)
        {
            types = [.. _typeOrder.Where(t => XdsTypeUrls.IsEndpoints(t) && _types[t].Subscribed)];
        }

        return [.. types.Select(t => Enqueue(OutboundItem.PartialEndpoints(t, clusterNames)))];
    }

    /// <summary>Queues one item.</summary>
    public Task Enqueue(OutboundItem item)
    {
        if (!_outbound.Writer.TryWrite(item))
        {
            item.Complete();
        }

        return item.Done;
    }

    /// <summary>
    /// Serves the stream until the client ends it, it fails, or FakePilot ends it; then sets the call's status (sent
    /// as trailers, or trailers-only when nothing was sent) or resets the HTTP/2 stream.
    /// </summary>
    public async Task RunAsync()
    {
        using var streamCts = CancellationTokenSource.CreateLinkedTokenSource(_context.CancellationToken, _end.Token);
        using var writerCts = CancellationTokenSource.CreateLinkedTokenSource(streamCts.Token);
        var writer = WriteLoopAsync(streamCts, writerCts.Token);
        var outcome = await ReadLoopAsync(streamCts.Token);
        if (outcome.Status == StatusCode.OK && EndMode == StreamEndMode.None)
        {
            // The client half-closed: send what is queued, then end with OK.
            _outbound.Writer.TryComplete();
        }
        else
        {
            await writerCts.CancelAsync();
            _outbound.Writer.TryComplete();
        }

        var writerHealthy = await writer;
        while (_outbound.Reader.TryRead(out var left))
        {
            left.Complete();
        }

        switch (EndMode)
        {
            case StreamEndMode.Reset:
                LogStreamEnded(_logger, Id, "reset");
                _context.GetHttpContext().Abort();
                return;
            case StreamEndMode.Unavailable:
                outcome = new ReadOutcome(StatusCode.Unavailable, "FakePilot dropped the stream.");
                break;
            case StreamEndMode.Stopping:
                outcome = new ReadOutcome(StatusCode.Unavailable, "FakePilot is stopping.");
                break;
        }

        if (outcome.ClientGone || !writerHealthy || _context.CancellationToken.IsCancellationRequested)
        {
            LogStreamEnded(_logger, Id, "client gone");
            return;
        }

        LogStreamEnded(_logger, Id, outcome.Status.ToString());
        _context.Status = new Status(outcome.Status, outcome.Message ?? string.Empty);
    }

    /// <inheritdoc />
    public void Dispose() => _end.Dispose();

    private async Task<ReadOutcome> ReadLoopAsync(CancellationToken cancellationToken)
    {
        var first = true;
        try
        {
            while (true)
            {
                if (!await _requests.MoveNext(cancellationToken))
                {
                    return new ReadOutcome(StatusCode.OK, null);
                }

                // Parsed and handled while the message's pooled buffer is held; given back before the next read.
                var message = _requests.Current;
                ReadOutcome? ended;
                try
                {
                    ended = IsDelta ? ReadDelta(message.Span, ref first) : ReadStateOfTheWorld(message.Span, ref first);
                }
                finally
                {
                    message.Return();
                }

                if (ended is { } outcome)
                {
                    return outcome;
                }
            }
        }
        catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled)
        {
            // Grpc.AspNetCore could not read a message (a broken frame, a compressed message without an encoding).
            return new ReadOutcome(ex.StatusCode, ex.Status.Detail);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or RpcException or InvalidOperationException)
        {
            // Either FakePilot ends the stream (the end mode says how) or the client went away.
            return new ReadOutcome(StatusCode.Cancelled, null, ClientGone: EndMode == StreamEndMode.None);
        }
    }

    /// <summary>The state of a type URL, added on its first request (callers hold the gate).</summary>
    private TypeState StateOf(string typeUrl)
    {
        if (!_types.TryGetValue(typeUrl, out var state))
        {
            state = new TypeState();
            _types.Add(typeUrl, state);
            _typeOrder.Add(typeUrl);
        }

        return state;
    }

    private sealed class TypeState
    {
        public bool Subscribed { get; set; }

        public ImmutableArray<string> Names { get; set; } = [];

        public string? LatestNonce { get; set; }

        public string? LatestVersion { get; set; }

        /// <summary>Delta: whether every resource of the type is subscribed.</summary>
        public bool Wildcard { get; set; }

        /// <summary>Delta: the version of each resource the client holds, as this stream sent it (or the client declared it).</summary>
        public Dictionary<string, string> Sent { get; } = new(StringComparer.Ordinal);

        /// <summary>Delta: the next push answers even when nothing changed (a new subscription is always answered).</summary>
        public bool AnswerNext { get; set; }
    }

    /// <summary>
    /// The problem with the node of a stream's first request (Pilot ends such a stream with INVALID_ARGUMENT), or
    /// <see langword="null"/>: for a later request, or a node Pilot accepts.
    /// </summary>
    private static string? FirstRequestProblem(ref bool first, Node? node)
    {
        if (!first)
        {
            return null;
        }

        first = false;
        return PilotNodeId.FindProblem(node);
    }

    /// <summary>Ends the stream over the first request's <paramref name="problem"/>.</summary>
    private ReadOutcome Rejected(string problem)
    {
        LogStreamRejected(_logger, Id, problem);
        return new ReadOutcome(StatusCode.InvalidArgument, problem);
    }

    private readonly record struct ReadOutcome(StatusCode Status, string? Message, bool ClientGone = false);
}
