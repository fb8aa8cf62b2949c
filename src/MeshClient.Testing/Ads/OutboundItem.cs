using System.Collections.Immutable;
using Google.Protobuf.WellKnownTypes;

namespace MeshClient.Testing.Ads;

/// <summary>One thing a stream's writer sends; <see cref="Done"/> completes when it was sent, skipped, or the stream ended.</summary>
internal sealed class OutboundItem
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private OutboundItem(OutboundKind kind, string typeUrl, ImmutableArray<string> names, ImmutableArray<Any> resources, ReadOnlyMemory<byte> message)
    {
        Kind = kind;
        TypeUrl = typeUrl;
        Names = names;
        Resources = resources;
        Message = message;
    }

    public OutboundKind Kind { get; }

    public string TypeUrl { get; }

    /// <summary>For <see cref="OutboundKind.PartialEndpoints"/>: the clusters to send.</summary>
    public ImmutableArray<string> Names { get; }

    /// <summary>For <see cref="OutboundKind.RawResponse"/>: the resources to send.</summary>
    public ImmutableArray<Any> Resources { get; }

    /// <summary>For <see cref="OutboundKind.RawMessage"/>: the message bytes.</summary>
    public ReadOnlyMemory<byte> Message { get; }

    public Task Done => _done.Task;

    public static OutboundItem Subscribed(string typeUrl) => new(OutboundKind.Subscribed, typeUrl, [], [], default);

    public static OutboundItem PartialEndpoints(string typeUrl, ImmutableArray<string> names) => new(OutboundKind.PartialEndpoints, typeUrl, names, [], default);

    public static OutboundItem RawResponse(string typeUrl, ImmutableArray<Any> resources) => new(OutboundKind.RawResponse, typeUrl, [], resources, default);

    public static OutboundItem RawMessage(ReadOnlyMemory<byte> message) => new(OutboundKind.RawMessage, string.Empty, [], [], message);

    public void Complete() => _done.TrySetResult();
}
