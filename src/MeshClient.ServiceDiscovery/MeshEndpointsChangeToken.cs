using MeshClient.Registry;
using Microsoft.Extensions.Primitives;

namespace MeshClient.ServiceDiscovery;

/// <summary>
/// Fires once, when a registry change (a push from Pilot) alters the endpoints a query resolves to; pushes that leave
/// them as they are do not fire it. Stops listening to the registry once it has fired or is disposed.
/// </summary>
internal sealed class MeshEndpointsChangeToken : IChangeToken, IDisposable
{
    private readonly MeshRegistry _registry;
    private readonly Func<RegistrySnapshot, IReadOnlyList<MeshEndpoint>> _resolve;
    private readonly CancellationTokenSource _changed = new();
    private readonly CancellationChangeToken _token;
    private int _fired;

    /// <summary>Starts listening to <paramref name="registry"/>, then resolves its current snapshot.</summary>
    public MeshEndpointsChangeToken(MeshRegistry registry, Func<RegistrySnapshot, IReadOnlyList<MeshEndpoint>> resolve)
    {
        _registry = registry;
        _resolve = resolve;
        _token = new CancellationChangeToken(_changed.Token);
        registry.Changed += OnChanged;
        Resolved = resolve(registry.Current);
    }

    /// <summary>The endpoints resolved when the token was created; a change is a difference from these.</summary>
    public IReadOnlyList<MeshEndpoint> Resolved { get; }

    public bool HasChanged => _token.HasChanged;

    public bool ActiveChangeCallbacks => true;

    public IDisposable RegisterChangeCallback(Action<object?> callback, object? state) => _token.RegisterChangeCallback(callback, state);

    /// <summary>Stops listening to the registry (the provider is disposed, or resolved again).</summary>
    public void Dispose() => _registry.Changed -= OnChanged;

    private void OnChanged(object? sender, RegistryChangedEventArgs e)
    {
        if (Volatile.Read(ref _fired) != 0 || SameEndpoints(Resolved, _resolve(e.Current)))
        {
            return;
        }

        if (Interlocked.Exchange(ref _fired, 1) == 0)
        {
            _registry.Changed -= OnChanged;

            // Service discovery refreshes on a thread of its own; the registry's updating thread only flips the token.
            _changed.Cancel();
        }
    }

    private static bool SameEndpoints(IReadOnlyList<MeshEndpoint> before, IReadOnlyList<MeshEndpoint> after)
    {
        if (before.Count != after.Count)
        {
            return false;
        }

        for (var i = 0; i < before.Count; i++)
        {
            if (!before[i].HasSameAddress(after[i]))
            {
                return false;
            }
        }

        return true;
    }
}
