using System.Collections.Immutable;
using Google.Protobuf;
using MeshClient.Testing.Resources;
using MeshClient.Xds.Protos.Discovery;

namespace MeshClient.Testing.Ads;

/// <summary>The stream's writer side: one loop sends the queued responses in order, each built from the served state.</summary>
internal sealed partial class AdsStream
{
    private async Task<bool> WriteLoopAsync(CancellationTokenSource streamCts, CancellationToken cancellationToken)
    {
        try
        {
            while (await _outbound.Reader.WaitToReadAsync(cancellationToken))
            {
                while (_outbound.Reader.TryRead(out var item))
                {
                    try
                    {
                        await SendAsync(item, cancellationToken);
                    }
                    finally
                    {
                        item.Complete();
                    }
                }
            }

            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return true;
        }
        catch (Exception ex)
        {
            // The client went away (or the gate threw): the stream is over.
            LogWriteFailed(_logger, Id, ex.Message);
            await streamCts.CancelAsync();
            return false;
        }
    }

    private async Task SendAsync(OutboundItem item, CancellationToken cancellationToken)
    {
        var delay = _pilot.ResponseDelay;
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _pilot.TimeProvider, cancellationToken);
        }

        if (_pilot.ResponseGate is { } gate)
        {
            await gate(item.TypeUrl, cancellationToken).WaitAsync(cancellationToken);
        }

        if (item.Kind == OutboundKind.RawMessage)
        {
            await _responses.WriteAsync(item.Message.ToArray(), cancellationToken);
            return;
        }

        if (IsDelta)
        {
            await SendDeltaAsync(item, cancellationToken);
            return;
        }

        var content = BuildContent(item);
        if (content is null)
        {
            return;
        }

        string version;
        string nonce;
        lock (_gate)
        {
            version = _pilot.NextVersion();
            nonce = _pilot.NextNonce();
            var state = StateOf(item.TypeUrl);

            state.LatestNonce = nonce;
            state.LatestVersion = version;
        }

        var response = new DiscoveryResponse { VersionInfo = version, TypeUrl = item.TypeUrl, Nonce = nonce };
        response.Resources.AddRange(content.Resources);
        await _responses.WriteAsync(response.ToByteArray(), cancellationToken);
        var recorded = _pilot.RecordResponse(Id, item.TypeUrl, version, nonce, content.Names);
        LogResponseSent(_logger, Id, recorded);
    }

    private ServedResources? BuildContent(OutboundItem item)
    {
        if (item.Kind == OutboundKind.RawResponse)
        {
            return new ServedResources(item.Resources, [.. item.Resources.Select(IstioResourceBuilder.ReadName)]);
        }

        ImmutableArray<string> names;
        lock (_gate)
        {
            if (!_types.TryGetValue(item.TypeUrl, out var state) || !state.Subscribed)
            {
                return null;
            }

            names = item.Kind == OutboundKind.PartialEndpoints
                ? [.. item.Names.Where(state.Names.Contains)]
                : state.Names;
        }

        if (item.Kind == OutboundKind.PartialEndpoints && names.IsEmpty)
        {
            return null;
        }

        var content = _pilot.Store.Build(item.TypeUrl, names);
        return item.Kind == OutboundKind.PartialEndpoints && content is { Resources.Count: 0 } ? null : content;
    }
}
