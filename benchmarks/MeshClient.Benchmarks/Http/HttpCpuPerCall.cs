using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace MeshClient.Benchmarks.Http;

/// <summary>
/// A diagnostic beside <see cref="HttpThroughMeshBenchmarks"/> for a shared machine (<c>--cpu-per-call [rounds]
/// [batch]</c>): the process's CPU time per call (client and in-process Kestrel server together, from
/// <c>CLOCK_PROCESS_CPUTIME_ID</c>), which other processes' load disturbs far less than elapsed time, for the three
/// columns of the benchmark, sequential and 16 in flight, in batches interleaved in a shuffled order each round (a
/// batch is <c>batch</c> sequential calls, or <c>batch / 4</c> groups of 16 calls in flight); each column is read as
/// the median of its same-round CPU ratios to direct. <c>--cpu-loop column protocol seconds</c> runs one column alone
/// (0 to 5 in the order of <see cref="Columns"/>, or 10 + i for <see cref="SequentialCostVariants"/>' variant i with 16
/// in flight), warming for the first half of the time and printing <c>begin</c> and <c>end</c> around the measured
/// half, for <c>perf stat -p</c> or <c>perf record -p</c>. Not a speed claim: the benchmarks are.
/// </summary>
internal static class HttpCpuPerCall
{
    private static readonly string[] Columns = ["Direct", "MeshClient", "ServiceDiscovery", "Direct x16", "MeshClient x16", "ServiceDiscovery x16"];

    public static async Task RunAsync(int rounds, int batch)
    {
        foreach (var protocol in new[] { HttpProtocols.Http1, HttpProtocols.Http2 })
        {
            var bench = new HttpThroughMeshBenchmarks { Protocol = protocol };
            bench.Setup();
            try
            {
                var cpu = Columns.Select(_ => new List<double>()).ToArray();
                var wall = Columns.Select(_ => new List<double>()).ToArray();
                var ratios = Columns.Select(_ => new List<double>()).ToArray();
                var order = Enumerable.Range(0, Columns.Length).ToArray();
                var random = new Random(14);
                for (var column = 0; column < Columns.Length; column++)
                {
                    await RunBatchAsync(bench, column, batch);
                }

                var perCall = new double[Columns.Length];
                for (var round = 0; round < rounds; round++)
                {
                    random.Shuffle(order);
                    foreach (var column in order)
                    {
                        var calls = column >= 3 ? batch * 16 / 4 : batch;
                        var startCpu = ProcessCpu();
                        var watch = Stopwatch.StartNew();
                        await RunBatchAsync(bench, column, column >= 3 ? batch / 4 : batch);
                        var elapsed = watch.Elapsed.TotalMicroseconds;
                        perCall[column] = (ProcessCpu() - startCpu) / calls;
                        cpu[column].Add(perCall[column]);
                        wall[column].Add(elapsed / calls);
                    }

                    for (var column = 0; column < Columns.Length; column++)
                    {
                        ratios[column].Add(perCall[column] / perCall[column < 3 ? 0 : 3]);
                    }
                }

                Console.WriteLine($"{protocol}: {rounds} rounds, process CPU per call (client + server), median; same-round ratio to direct, median (quartiles); wall per call, median");
                for (var column = 0; column < Columns.Length; column++)
                {
                    var r = ratios[column].Order().ToList();
                    Console.WriteLine(string.Create(
                        CultureInfo.InvariantCulture,
                        $"  {Columns[column],-22} {Median(cpu[column]),7:F2} us CPU  ratio {r[r.Count / 2]:F3} ({r[r.Count / 4]:F3} to {r[3 * r.Count / 4]:F3})  wall {Median(wall[column]),7:F2} us"));
                }
            }
            finally
            {
                bench.Cleanup();
            }
        }
    }

    public static async Task LoopAsync(int column, HttpProtocols protocol, double seconds)
    {
        if (column >= 10)
        {
            // 10 + i: the sequential-cost variant i, 16 in flight.
            await using var variants = await SequentialCostVariants.StartAsync(protocol);
            await LoopAsync(() => HttpCostRounds.SendAsync(variants, column - 10, 16), 16, SequentialCostVariants.Names[column - 10], protocol, seconds);
            return;
        }

        var bench = new HttpThroughMeshBenchmarks { Protocol = protocol };
        bench.Setup();
        await LoopAsync(() => RunBatchAsync(bench, column, 1), column >= 3 ? 16 : 1, Columns[column], protocol, seconds);
        bench.Cleanup();
    }

    private static async Task LoopAsync(Func<Task> batch, int callsPerBatch, string name, HttpProtocols protocol, double seconds)
    {
        // Warm-up: the first half of the time (tiering settles), then the measured half.
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < seconds / 2)
        {
            await batch();
        }

        Console.WriteLine($"begin {Environment.ProcessId}");
        var watch = Stopwatch.StartNew();
        var startCpu = ProcessCpu();
        long calls = 0;
        while (watch.Elapsed.TotalSeconds < seconds / 2)
        {
            await batch();
            calls += callsPerBatch;
        }

        var cpu = (ProcessCpu() - startCpu) / calls;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"end {calls} calls: {name} {protocol}, {cpu:F2} us CPU per call, {watch.Elapsed.TotalMicroseconds / calls:F2} us wall"));
    }

    private static async Task RunBatchAsync(HttpThroughMeshBenchmarks bench, int column, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await (column switch
            {
                0 => bench.Direct(),
                1 => bench.Mesh(),
                2 => bench.ServiceDiscovery(),
                3 => bench.DirectConcurrent(),
                4 => bench.MeshConcurrent(),
                _ => bench.ServiceDiscoveryConcurrent(),
            });
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    /// <summary>The process's CPU time so far, in microseconds.</summary>
    private static double ProcessCpu()
    {
        const int ClockProcessCpuTimeId = 2;
        return clock_gettime(ClockProcessCpuTimeId, out var time) == 0 ? (time.Seconds * 1e6) + (time.Nanoseconds / 1e3) : double.NaN;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", SetLastError = false)]
    private static extern int clock_gettime(int clock, out TimeSpec time);
}
