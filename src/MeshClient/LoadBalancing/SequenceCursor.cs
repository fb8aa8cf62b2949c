namespace MeshClient.LoadBalancing;

/// <summary>
/// The position of a rotation (a round robin over endpoints, or a rule's weighted sequence), kept across registry
/// snapshots and rule reloads so that a rebuilt selector continues where the previous one stopped. Lock-free.
/// </summary>
internal sealed class SequenceCursor
{
    private int _position;

    /// <summary>Creates a cursor whose first <see cref="Advance"/> returns <paramref name="start"/>.</summary>
    /// <param name="start">The first position.</param>
    public SequenceCursor(int start = 0)
    {
        Start = start;
        _position = unchecked(start - 1);
    }

    /// <summary>The first position: where a rotation derived from another cursor's count starts.</summary>
    public int Start { get; }

    /// <summary>Moves to the next position and returns it, as an unsigned count that wraps.</summary>
    public uint Advance() => (uint)Interlocked.Increment(ref _position);
}
