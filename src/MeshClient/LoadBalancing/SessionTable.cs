using System.Collections.Concurrent;

namespace MeshClient.LoadBalancing;

/// <summary>
/// The sessions of one service port, kept across registry snapshots. Looked up by the request's session key as a
/// span, so a known session costs no allocation; expired sessions are swept now and then as new ones arrive.
/// </summary>
internal sealed class SessionTable
{
    private const int SweepEvery = 1024;

    private readonly ConcurrentDictionary<string, SessionEntry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SessionEntry>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private int _added;

    public SessionTable()
    {
        _bySpan = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _entries.Count;

    public bool TryGet(ReadOnlySpan<char> key, out SessionEntry entry) => _bySpan.TryGetValue(key, out entry!);

    public void Add(ReadOnlySpan<char> key, SessionEntry entry, long now, long timeoutTicks)
    {
        _entries[key.ToString()] = entry;
        if (Interlocked.Increment(ref _added) % SweepEvery == 0)
        {
            foreach (var (name, existing) in _entries)
            {
                if (now - existing.LastUsed > timeoutTicks)
                {
                    _entries.TryRemove(name, out _);
                }
            }
        }
    }
}
