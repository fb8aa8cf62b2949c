using System.Collections.Concurrent;

namespace MeshClient.LoadBalancing;

/// <summary>
/// The rotation positions of one service port that live across snapshots: one cursor per round-robin pool (by tag
/// set) and one per weighted rule (by the rule and its weights, so a changed rule starts fresh). A rebuild of the
/// service's routes takes the cursors it needs and forgets the others. The session table of SessionStickiness lives
/// here too, so sessions outlive every swap and leave with the service.
/// </summary>
internal sealed class ServiceBalancerState
{
    private readonly ConcurrentDictionary<string, SequenceCursor> _pools = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SequenceCursor> _rules = new(StringComparer.Ordinal);
    private readonly IRandomSource _random;
    private readonly int? _start;
    private SessionTable? _sessions;

    public ServiceBalancerState(IRandomSource random, int? start)
    {
        _random = random;
        _start = start;
    }

    /// <summary>Whether <see cref="Sessions"/> has been created.</summary>
    public bool HasSessions => Volatile.Read(ref _sessions) is not null;

    /// <summary>The service port's session table (SessionStickiness), created at first use.</summary>
    public SessionTable Sessions => LazyInitializer.EnsureInitialized(ref _sessions);

    /// <summary>The cursor of a round-robin pool; a new one starts at a random position, so processes do not move in lockstep.</summary>
    public SequenceCursor RoundRobinCursor(string poolKey) =>
        _pools.GetOrAdd(poolKey, static (_, owner) => new SequenceCursor(owner._start ?? owner._random.Next(int.MaxValue)), this);

    /// <summary>The cursor of a weighted rule; a new one starts at the beginning of the smooth sequence.</summary>
    public SequenceCursor RuleCursor(string ruleKey) => _rules.GetOrAdd(ruleKey, static _ => new SequenceCursor());

    /// <summary>Forgets the cursors a rebuild no longer uses.</summary>
    public void RetainOnly(IReadOnlySet<string> poolKeys, IReadOnlySet<string> ruleKeys)
    {
        Retain(_pools, poolKeys);
        Retain(_rules, ruleKeys);
    }

    private static void Retain(ConcurrentDictionary<string, SequenceCursor> cursors, IReadOnlySet<string> used)
    {
        foreach (var key in cursors.Keys)
        {
            if (!used.Contains(key))
            {
                cursors.TryRemove(key, out _);
            }
        }
    }
}
