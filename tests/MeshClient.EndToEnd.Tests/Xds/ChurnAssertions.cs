using System.Text;

namespace MeshClient.EndToEnd.Tests.Xds;

/// <summary>What the calls made during a Pilot's churn must show; each failure lists the calls that break it.</summary>
internal static class ChurnAssertions
{
    /// <summary>Every call answered 200, and the backend that answered is the one the mesh handler's last attempt chose.</summary>
    public static void EveryCallSucceededOnTheEndpointItsLastAttemptChose(IEnumerable<ChurnCall> calls, IReadOnlyDictionary<string, int> portsByBackend)
    {
        var all = calls.ToList();
        Fail(all.Where(c => !c.Succeeded), "calls failed", all.Count);
        Fail(all.Where(c => c.AttemptPorts.Count == 0 || c.AttemptPorts[^1] != portsByBackend[c.Backend!]), "calls were answered by another backend than their last attempt's", all.Count);
    }

    /// <summary>
    /// A call started after a generation of the called service was published reaches that generation only, unless a
    /// later one was requested before the call completed; and each generation was reached by a call of this caller
    /// that ran wholly inside its window (so the check is not empty).
    /// </summary>
    public static void CallsAfterAPublishReachOnlyItsGeneration(IReadOnlyList<ChurnCall> calls, GenerationHistory history, IReadOnlyDictionary<string, int> portsByBackend)
    {
        Fail(calls.Where(c => !history.AllowedPorts(c).Contains(portsByBackend[c.Backend!])), "calls reached an endpoint outside the generation published when they started", calls.Count, history);
        var generations = history.Generations;
        for (var i = 0; i < generations.Count; i++)
        {
            var generation = generations[i];
            var next = i + 1 < generations.Count ? generations[i + 1] : null;
            Assert.True(
                calls.Any(c => c.Start > generation.Published && (next is null || c.End <= next.Requested)),
                $"{calls[0].Caller} made no call wholly inside the window of generation {i}");
        }
    }

    /// <summary>No attempt of a call goes to an address whose removal was published before the call started (and that was not served again while it ran).</summary>
    public static void NoAttemptReachesAPublishedRemoval(IReadOnlyList<ChurnCall> calls, GenerationHistory history)
    {
        Fail(calls.Where(c => c.AttemptPorts.Any(history.RemovedPorts(c).Contains)), "calls sent an attempt to an address whose removal was published before they started", calls.Count, history);
        Assert.True(calls.Any(c => history.RemovedPorts(c).Count > 0), $"{calls[0].Caller} made no call after a removal was published");
    }

    /// <summary>
    /// One caller's calls to a round-robin service of N endpoints that did not change: every N consecutive calls reach
    /// each endpoint once, so each endpoint served exactly K of any K*N consecutive calls.
    /// </summary>
    public static void RoundRobinIsExact(IReadOnlyList<ChurnCall> calls, IReadOnlyList<int> ports)
    {
        var n = ports.Count;
        var sequence = calls.Select(c => c.AttemptPorts[^1]).ToList();
        Assert.True(sequence.Count >= 2 * n, $"only {sequence.Count} calls");
        var k = sequence.Count / n;
        var counts = sequence.Take(k * n).GroupBy(p => p).ToDictionary(g => g.Key, g => g.Count());
        var shown = string.Join(" ", sequence.Take(200));
        Assert.True(ports.All(p => counts.GetValueOrDefault(p) == k), $"over {k * n} calls each of {n} endpoints should serve {k}: {string.Join(", ", counts.Select(c => $"{c.Key}: {c.Value}"))}; ports in call order: {shown}");
        for (var i = n; i < sequence.Count; i++)
        {
            Assert.True(sequence[i] == sequence[i - n], $"call {i} went to {sequence[i]}, call {i - n} to {sequence[i - n]}: the rotation broke; ports in call order: {shown}");
        }
    }

    private static void Fail(IEnumerable<ChurnCall> failing, string what, int total, GenerationHistory? history = null)
    {
        var list = failing.ToList();
        if (list.Count == 0)
        {
            return;
        }

        var text = new StringBuilder($"{list.Count} of {total} {what}:{Environment.NewLine}");
        foreach (var call in list.Take(10))
        {
            text.AppendLine(call.ToString());
        }

        foreach (var generation in history?.Generations ?? [])
        {
            text.AppendLine($"generation {generation.Index}: ports [{string.Join(", ", generation.Ports)}], requested at {generation.Requested}, published at {generation.Published}");
        }

        Assert.Fail(text.ToString());
    }
}
