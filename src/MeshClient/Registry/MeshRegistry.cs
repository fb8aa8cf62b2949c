using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshClient.Registry;

/// <summary>
/// The registry cache: the current <see cref="RegistrySnapshot"/>, swapped whole on each change, and the state of
/// the connection that feeds it. Reading never locks.
/// </summary>
public sealed class MeshRegistry
{
    private readonly object _writeLock = new();
    private readonly ILogger _logger;
    private RegistrySnapshot _current;
    private volatile StateHolder _state = new(MeshConnectionState.Connecting, null, false);
    private readonly TaskCompletionSource _firstSync = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IServiceDemand? _demand;

    /// <summary>Creates an empty registry.</summary>
    public MeshRegistry()
        : this(RegistrySnapshot.Empty)
    {
    }

    /// <summary>Creates a registry that starts with <paramref name="initial"/>, for example one read from a file.</summary>
    /// <param name="initial">The first snapshot.</param>
    public MeshRegistry(RegistrySnapshot initial)
        : this(initial, null)
    {
    }

    /// <summary>Creates an empty registry that logs the exceptions its event subscribers throw.</summary>
    /// <param name="logger">Where a subscriber that throws is logged.</param>
    public MeshRegistry(ILogger<MeshRegistry> logger)
        : this(RegistrySnapshot.Empty, logger)
    {
    }

    /// <summary>Creates a registry that starts with <paramref name="initial"/> and logs to <paramref name="logger"/>.</summary>
    /// <param name="initial">The first snapshot.</param>
    /// <param name="logger">Where a subscriber that throws is logged; nowhere when <see langword="null"/>.</param>
    public MeshRegistry(RegistrySnapshot initial, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(initial);
        _current = initial;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Raised after a new snapshot has been swapped in. Handlers run on the updating thread and must be quick; one that
    /// throws is logged and the others still run (the update stands).
    /// </summary>
    public event EventHandler<RegistryChangedEventArgs>? Changed;

    /// <summary>
    /// Raised when <see cref="ConnectionState"/> or <see cref="LastError"/> changes. A handler that throws is logged and
    /// the others still run.
    /// </summary>
    public event EventHandler? StateChanged;

    /// <summary>The current snapshot.</summary>
    public RegistrySnapshot Current => Volatile.Read(ref _current);

    /// <summary>The version of the current snapshot.</summary>
    public long Version => Current.Version;

    /// <summary>The state of the connection to Pilot.</summary>
    public MeshConnectionState ConnectionState => _state.State;

    /// <summary>The last error of the connection or of a rejected update; <see langword="null"/> when there was none.</summary>
    public string? LastError => _state.LastError;

    /// <summary>Whether the registry has ever been synced with Pilot.</summary>
    public bool HasSynced => _state.HasSynced;

    /// <summary>Completes when the registry is first synced with Pilot.</summary>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>A task that completes at the first sync.</returns>
    public Task WaitForFirstSyncAsync(CancellationToken cancellationToken = default) => _firstSync.Task.WaitAsync(cancellationToken);

    /// <summary>Who hears about service uses (on-demand EDS); <see langword="null"/> when nobody does (the default).</summary>
    internal IServiceDemand? Demand
    {
        get => Volatile.Read(ref _demand);
        set => Volatile.Write(ref _demand, value);
    }

    /// <summary>Reports that the app routes a call to <paramref name="service"/> (see <see cref="IServiceDemand"/>); cheap.</summary>
    /// <param name="service">The service.</param>
    internal void NoteServiceUsed(MeshService service) => Volatile.Read(ref _demand)?.OnServiceUsed(service);

    /// <summary>Waits, bounded, for the endpoints of a used service (on-demand EDS).</summary>
    /// <param name="service">The service.</param>
    /// <returns>Completes when they are known or given up on; completed at once without on-demand EDS.</returns>
    internal Task WhenServiceEndpointsKnown(MeshService service) => Volatile.Read(ref _demand)?.WhenEndpointsKnown(service) ?? Task.CompletedTask;

    /// <summary>Swaps in a new snapshot built from the current one and notifies <see cref="Changed"/>.</summary>
    /// <param name="update">Builds the next snapshot from the current one and the next version number; returns <see langword="null"/> for no change.</param>
    /// <returns>The snapshot now current.</returns>
    internal RegistrySnapshot Update(Func<RegistrySnapshot, long, RegistrySnapshot?> update)
    {
        RegistrySnapshot previous;
        RegistrySnapshot next;
        lock (_writeLock)
        {
            previous = _current;
            var built = update(previous, previous.Version + 1);
            if (built is null)
            {
                return previous;
            }

            next = built;
            Volatile.Write(ref _current, next);
        }

        EventSubscribers.Raise(Changed, this, new RegistryChangedEventArgs(previous, next), "MeshRegistry.Changed", _logger);
        return next;
    }

    /// <summary>Replaces the whole content with <paramref name="clusters"/>.</summary>
    /// <param name="clusters">The clusters of the new snapshot.</param>
    /// <returns>The snapshot now current.</returns>
    internal RegistrySnapshot Replace(IEnumerable<MeshCluster> clusters) => Update((_, version) => new RegistrySnapshot(version, clusters));

    /// <summary>Records the connection state and the last error.</summary>
    /// <param name="state">The new state.</param>
    /// <param name="lastError">The last error, or <see langword="null"/> to keep the previous one.</param>
    internal void SetConnectionState(MeshConnectionState state, string? lastError = null)
    {
        var previous = _state;
        var synced = previous.HasSynced || state == MeshConnectionState.Synced;
        var next = new StateHolder(state, lastError ?? previous.LastError, synced);
        if (next == previous)
        {
            return;
        }

        _state = next;
        if (state == MeshConnectionState.Synced)
        {
            _firstSync.TrySetResult();
        }

        EventSubscribers.Raise(StateChanged, this, "MeshRegistry.StateChanged", _logger);
    }

    /// <summary>Records an error without changing the connection state (for example a rejected update).</summary>
    /// <param name="error">The error.</param>
    internal void SetLastError(string error) => SetConnectionState(_state.State, error);

    private sealed record StateHolder(MeshConnectionState State, string? LastError, bool HasSynced);
}
