using MeshClient.Registry;
using MeshClient.Xds;
using MeshClient.Xds.Protocol;
using MeshClient.Xds.Transport;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshClient.Cli.Commands;

/// <summary>
/// Reads what Pilot sends with the real ADS client over the real transport: connects, waits for the first complete
/// CDS and EDS state (at most the request's timeout), listens the settle time more so later pushes are applied, and
/// disconnects. The first error before a complete state (connection refused, stream rejected, NACK) ends the wait
/// at once with that reason.
/// </summary>
internal sealed class PilotRegistrySource : IRegistrySource
{
    private readonly TimeProvider _timeProvider;

    public PilotRegistrySource(TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    public async Task<RegistrySnapshot> LoadAsync(EndpointsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var registry = new MeshRegistry();
        var options = new XdsClientOptions
        {
            Version = (XdsVersion)(int)request.XdsVersion,
            PodNamespace = request.Namespace,

            // A resource Pilot never sends must not hold the first state back past the command's own timeout.
            ResourceDoesNotExistTimeout = request.Timeout > TimeSpan.Zero ? request.Timeout / 2 : TimeSpan.FromSeconds(5),
        };

        var failedBeforeSync = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        registry.StateChanged += (_, _) =>
        {
            if (!registry.HasSynced && registry.LastError is { } error)
            {
                failedBeforeSync.TrySetResult(error);
            }
        };

        await using var transport = CreateTransport(request);
        await using var client = new AdsClient(transport, options, registry, _timeProvider, NullLogger<AdsClient>.Instance);
        client.Start();

        using var timeout = new CancellationTokenSource(request.Timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        var synced = registry.WaitForFirstSyncAsync(linked.Token);
        var first = await Task.WhenAny(synced, failedBeforeSync.Task).ConfigureAwait(false);
        if (first == failedBeforeSync.Task)
        {
            throw new RegistrySourceException($"cannot read the state of Pilot at {request.PilotAddress}: {await failedBeforeSync.Task.ConfigureAwait(false)}");
        }

        try
        {
            await synced.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new RegistrySourceException(
                $"Pilot at {request.PilotAddress} sent no complete state within {request.Timeout.TotalSeconds:0.###} s ({registry.LastError ?? "no answer"}).");
        }

        if (request.Settle > TimeSpan.Zero)
        {
            await Task.Delay(request.Settle, _timeProvider, cancellationToken).ConfigureAwait(false);
        }

        return registry.Current;
    }

    /// <summary>The transport to Pilot with the request's TLS and token files.</summary>
    /// <exception cref="RegistrySourceException">A file does not load (a CA file without certificates, a key that does not match); the message names the file, never its content.</exception>
    private HttpGrpcTransport CreateTransport(EndpointsRequest request)
    {
        try
        {
            return new HttpGrpcTransport(new GrpcTransportOptions
            {
                Address = request.Pilot,
                ConnectTimeout = request.Timeout > TimeSpan.Zero ? request.Timeout : TimeSpan.FromSeconds(10),
                TimeProvider = _timeProvider,
                CaFile = request.Security?.CaFile,
                ServerName = request.Security?.ServerName,
                ClientCertificateFile = request.Security?.CertificateFile,
                ClientKeyFile = request.Security?.KeyFile,
                TokenFile = request.Security?.TokenFile,
            });
        }
        catch (ArgumentException e)
        {
            throw new RegistrySourceException($"cannot connect to Pilot at {request.PilotAddress}: {e.Message}");
        }
    }
}
