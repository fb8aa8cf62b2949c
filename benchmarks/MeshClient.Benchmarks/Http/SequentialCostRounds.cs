using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace MeshClient.Benchmarks.Http;

/// <summary>
/// A diagnostic beside <see cref="HttpSequentialCostBenchmarks"/> for a loaded machine, where BenchmarkDotNet's
/// iterations of one method after the other see different loads (<c>--sequential-rounds [rounds] [calls]</c>): the
/// variants of <see cref="SequentialCostVariants"/> run in short batches, interleaved in a shuffled order each round,
/// and each variant's time is read as the median of its same-round ratios to direct. It also counts what a wait or a
/// thread hop would leave behind, per call: thread-pool work items, and voluntary context switches (threads going to
/// sleep; Linux <c>/proc</c>) with a caller that blocks on each call as BenchmarkDotNet's does. Not a speed claim: the
/// benchmark is.
/// </summary>
internal static class SequentialCostRounds
{
    public static async Task RunAsync(int rounds, int calls)
    {
        foreach (var protocol in new[] { HttpProtocols.Http1, HttpProtocols.Http2 })
        {
            await using var variants = await SequentialCostVariants.StartAsync(protocol);
            var names = SequentialCostVariants.Names;
            Console.WriteLine($"{protocol}: per call, 5,000 calls each");
            for (var variant = 0; variant < names.Length; variant++)
            {
                await CountAsync(variants, variant, protocol);
            }

            var ratios = names.Select(_ => new List<double>()).ToArray();
            var order = Enumerable.Range(0, names.Length).ToArray();
            var random = new Random(14);
            var times = new double[names.Length];
            for (var round = 0; round < rounds; round++)
            {
                random.Shuffle(order);
                foreach (var variant in order)
                {
                    await variants.SendAsync(variant);
                    var watch = Stopwatch.StartNew();
                    for (var i = 0; i < calls; i++)
                    {
                        await variants.SendAsync(variant);
                    }

                    times[variant] = watch.Elapsed.TotalMicroseconds / calls;
                }

                for (var variant = 0; variant < names.Length; variant++)
                {
                    ratios[variant].Add(times[variant] / times[0]);
                }
            }

            Console.WriteLine($"{protocol}: {rounds} rounds of {calls} calls per variant, median of same-round ratios to direct (quartiles)");
            for (var variant = 0; variant < names.Length; variant++)
            {
                var sorted = ratios[variant].Order().ToList();
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"  {names[variant],-36} {sorted[sorted.Count / 2]:F3} ({sorted[sorted.Count / 4]:F3} to {sorted[3 * sorted.Count / 4]:F3})"));
            }
        }
    }

    private static async Task CountAsync(SequentialCostVariants variants, int variant, HttpProtocols protocol)
    {
        const int Calls = 5_000;
        for (var i = 0; i < 200; i++)
        {
            await variants.SendAsync(variant);
        }

        var workItems = ThreadPool.CompletedWorkItemCount;
        var bytes = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < Calls; i++)
        {
            await variants.SendAsync(variant);
        }

        workItems = ThreadPool.CompletedWorkItemCount - workItems;
        bytes = GC.GetTotalAllocatedBytes(precise: true) - bytes;
        var sleeps = VoluntaryContextSwitches();
        for (var i = 0; i < Calls; i++)
        {
            variants.SendAsync(variant).GetAwaiter().GetResult();
        }

        sleeps = VoluntaryContextSwitches() - sleeps;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  {protocol} {SequentialCostVariants.Names[variant],-36} work items {workItems / (double)Calls:F2}, voluntary switches (blocking caller) {sleeps / (double)Calls:F2}, {bytes / Calls} B (both sides)"));
    }

    /// <summary>The voluntary context switches of all of this process's threads so far (0 where /proc is missing).</summary>
    private static long VoluntaryContextSwitches()
    {
        const string Key = "voluntary_ctxt_switches:";
        long total = 0;
        if (!Directory.Exists("/proc/self/task"))
        {
            return 0;
        }

        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                {
                    if (line.StartsWith(Key, StringComparison.Ordinal))
                    {
                        total += long.Parse(line.AsSpan(Key.Length).Trim(), CultureInfo.InvariantCulture);
                    }
                }
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }

        return total;
    }
}
