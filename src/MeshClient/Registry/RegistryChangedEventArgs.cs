namespace MeshClient.Registry;

/// <summary>Data of <see cref="MeshRegistry.Changed"/>.</summary>
public sealed class RegistryChangedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    /// <param name="previous">The snapshot that was current before.</param>
    /// <param name="current">The snapshot now current.</param>
    internal RegistryChangedEventArgs(RegistrySnapshot previous, RegistrySnapshot current)
    {
        Previous = previous;
        Current = current;
    }

    /// <summary>The snapshot that was current before.</summary>
    public RegistrySnapshot Previous { get; }

    /// <summary>The snapshot now current.</summary>
    public RegistrySnapshot Current { get; }
}
