using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace MeshClient.Benchmarks.Http;

/// <summary>
/// A diagnostic beside <see cref="HttpSequentialCostBenchmarks"/> for a loaded machine, where BenchmarkDotNet's
/// iterations of one method after the other see different loads (<c>--cost-rounds [rounds] [calls] [in flight]</c>):
/// the variants of <see cref="SequentialCostVariants"/> run in short batches (of single calls, or of groups of calls in
/// flight together), interleaved in a shuffled order each round, and each variant's time is read as the median of its
/// same-round ratios to direct. It also counts what a wait or a thread hop would leave behind, per call: thread-pool
/// work items, and voluntary context switches (threads going to sleep; Linux <c>/proc</c>) with a caller that blocks
/// on each batch as BenchmarkDotNet's does. Not a speed claim: the benchmarks are.
/// </summary>
internal static class HttpCostRounds
{
    public static async Task RunAsync(int rounds, int calls, int inFlight)
    {
        foreach (var protocol in new[] { HttpProtocols.Http1, HttpProtocols.Http2 })
        {
            await using var variants = await SequentialCostVariants.StartAsync(protocol);
            var names = SequentialCostVariants.Names;
            Console.WriteLine($"{protocol}, {inFlight} in flight: per call, 5,000 calls each");
            for (var variant = 0; variant < names.Length; variant++)
            {
                await CountAsync(variants, variant, protocol, inFlight);
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
                    await SendAsync(variants, variant, inFlight);
                    var watch = Stopwatch.StartNew();
                    for (var i = 0; i < calls; i++)
                    {
                        await SendAsync(variants, variant, inFlight);
                    }

                    times[variant] = watch.Elapsed.TotalMicroseconds / calls;
                }

                for (var variant = 0; variant < names.Length; variant++)
                {
                    ratios[variant].Add(times[variant] / times[0]);
                }
            }

            Console.WriteLine($"{protocol}, {inFlight} in flight: {rounds} rounds of {calls} batches per variant, median of same-round ratios to direct (quartiles)");
            for (var variant = 0; variant < names.Length; variant++)
            {
                var sorted = ratios[variant].Order().ToList();
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"  {names[variant],-36} {sorted[sorted.Count / 2]:F3} ({sorted[sorted.Count / 4]:F3} to {sorted[3 * sorted.Count / 4]:F3})"));
            }
        }
    }

    /// <summary>One call, or <paramref name="inFlight"/> calls started together and awaited together.</summary>
    internal static async Task SendAsync(SequentialCostVariants variants, int variant, int inFlight)
    {
        if (inFlight == 1)
        {
            await variants.SendAsync(variant);
            return;
        }

        var calls = new Task<int>[inFlight];
        for (var i = 0; i < calls.Length; i++)
        {
            calls[i] = variants.SendAsync(variant);
        }

        await Task.WhenAll(calls);
    }

    private static async Task CountAsync(SequentialCostVariants variants, int variant, HttpProtocols protocol, int inFlight)
    {
        const int Calls = 5_000;
        var batches = Calls / inFlight;
        for (var i = 0; i < 200; i++)
        {
            await SendAsync(variants, variant, inFlight);
        }

        var workItems = ThreadPool.CompletedWorkItemCount;
        var bytes = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < batches; i++)
        {
            await SendAsync(variants, variant, inFlight);
        }

        workItems = ThreadPool.CompletedWorkItemCount - workItems;
        bytes = GC.GetTotalAllocatedBytes(precise: true) - bytes;
        var sleeps = VoluntaryContextSwitches();
        for (var i = 0; i < batches; i++)
        {
            SendAsync(variants, variant, inFlight).GetAwaiter().GetResult();
        }

        sleeps = VoluntaryContextSwitches() - sleeps;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  {protocol} {SequentialCostVariants.Names[variant],-36} work items {workItems / (double)(batches * inFlight):F2}, voluntary switches (blocking caller) {sleeps / (double)(batches * inFlight):F2}, {bytes / (batches * inFlight)} B (both sides)"));
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
