namespace MeshClient.EndToEnd.Tests.Xds;

/// <summary>
/// The endpoint sets a called service went through during the churn, in order, and what each call may have hit,
/// decided by ordering on the <see cref="OrderClock"/> alone: a call that started after generation <c>i</c> was
/// published (and after no later one was) may only reach generation <c>i</c>, or a later generation FakePilot was told
/// to serve before the call completed.
/// </summary>
internal sealed class GenerationHistory
{
    private readonly List<CalledGeneration> _generations = [];

    public IReadOnlyList<CalledGeneration> Generations => _generations;

    public void Add(CalledGeneration generation)
    {
        Assert.Equal(_generations.Count, generation.Index);
        _generations.Add(generation);
    }

    /// <summary>The generation last published before <paramref name="call"/> started.</summary>
    public CalledGeneration PublishedAtStart(ChurnCall call) => _generations.Last(g => g.Published < call.Start);

    /// <summary>The ports <paramref name="call"/> may have been answered by: those of <see cref="PublishedAtStart"/> and of the generations requested while it ran.</summary>
    public IReadOnlySet<int> AllowedPorts(ChurnCall call)
    {
        var first = PublishedAtStart(call).Index;
        return _generations.Skip(first).Where(g => g.Index == first || g.Requested < call.End).SelectMany(g => g.Ports).ToHashSet();
    }

    /// <summary>
    /// The ports FakePilot had removed when <paramref name="call"/> started, with the removal published (served by an
    /// earlier generation, not by <see cref="PublishedAtStart"/>), and not served again by a generation requested
    /// before the call completed: no attempt of the call may go there.
    /// </summary>
    public IReadOnlySet<int> RemovedPorts(ChurnCall call)
    {
        var current = PublishedAtStart(call);
        var removed = _generations.Take(current.Index).SelectMany(g => g.Ports).Except(current.Ports).ToHashSet();
        removed.ExceptWith(_generations.Skip(current.Index + 1).Where(g => g.Requested < call.End).SelectMany(g => g.Ports));
        return removed;
    }
}
