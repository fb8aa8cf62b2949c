using MeshClient.Registry;
using MeshClient.Xds;

namespace MeshClient.Cli.Commands;

/// <summary>
/// Reads what Pilot sends through MeshClient's public API, as an app would: <see cref="MeshDiscovery.StartAsync"/>
/// with the <see cref="MeshOptions"/> of <see cref="CreateMeshOptions"/> (the one place meshctl's options become
/// MeshClient's), then waits on <see cref="MeshDiscovery.Registry"/> for the first complete CDS and EDS state (at most the
/// request's timeout), listens the settle time more so later pushes are applied, and disconnects. The first error
/// before a complete state (connection refused, stream rejected, NACK) ends the wait at once with that reason.
/// </summary>
internal sealed class PilotRegistrySource : IRegistrySource
{
    private readonly TimeProvider _timeProvider;

    public PilotRegistrySource(TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// The MeshClient options that connect to Pilot as <paramref name="request"/> says: its address, xDS version and
    /// namespace. Start-up does not wait (<see cref="MeshPilotOptions.InitialSyncTimeout"/> zero): meshctl waits itself,
    /// so it can stop at the first error. A resource Pilot never sends is reported after half the timeout, so it cannot
    /// hold the first state back past the command's own timeout.
    /// </summary>
    /// <param name="request">Where Pilot is and how long to listen.</param>
    /// <returns>New options; the caller may complete them (TLS, node identity) before starting.</returns>
    public static MeshOptions CreateMeshOptions(EndpointsRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new MeshOptions
        {
            Namespace = request.Namespace,
            Pilot =
            {
                Address = request.PilotAddress,
                XdsVersion = (XdsVersion)(int)request.XdsVersion,
                InitialSyncTimeout = TimeSpan.Zero,
                ResourceTimeout = request.Timeout > TimeSpan.Zero ? request.Timeout / 2 : TimeSpan.FromSeconds(5),

                // meshctl uses only the files it is given: empty turns the in-pod defaults off.
                CaFile = request.Security?.CaFile ?? string.Empty,
                ServerName = request.Security?.ServerName,
                ClientCertificateFile = request.Security?.CertificateFile,
                ClientKeyFile = request.Security?.KeyFile,
                TokenFile = request.Security?.TokenFile ?? string.Empty,
            },
        };
    }

    public async Task<RegistrySnapshot> LoadAsync(EndpointsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        MeshDiscovery mesh;
        try
        {
            mesh = await MeshDiscovery.StartAsync(CreateMeshOptions(request), timeProvider: _timeProvider, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
        }
        catch (ArgumentException e)
        {
            // A file that does not load (a CA file without certificates, a key that does not match): the message
            // names the file, never its content.
            throw new RegistrySourceException($"cannot connect to Pilot at {request.PilotAddress}: {e.Message}");
        }

        await using var _ = mesh;
        var registry = mesh.Registry;

        var failedBeforeSync = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnStateChanged(object? sender, EventArgs e)
        {
            if (!registry.HasSynced && registry.LastError is { } error)
            {
                failedBeforeSync.TrySetResult(error);
            }
        }

        registry.StateChanged += OnStateChanged;
        try
        {
            // The stream started before the handler was attached: an error already recorded counts too.
            OnStateChanged(registry, EventArgs.Empty);

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
        }
        finally
        {
            registry.StateChanged -= OnStateChanged;
        }

        if (request.Settle > TimeSpan.Zero)
        {
            await Task.Delay(request.Settle, _timeProvider, cancellationToken).ConfigureAwait(false);
        }

        return registry.Current;
    }
}
