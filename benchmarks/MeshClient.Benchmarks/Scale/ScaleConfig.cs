using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace MeshClient.Benchmarks.Scale;

/// <summary>
/// The job of issue 12's benchmarks: in process (no generated project to build: on the shared 2-core machine that
/// build alone outlasts BenchmarkDotNet's two-minute build timeout), with the median, p95 and p99 of the measurements
/// in the summary (BenchmarkDotNet's own statistics).
/// </summary>
public abstract class ScaleConfig : ManualConfig
{
    protected ScaleConfig(params Job[] jobs)
    {
        foreach (var job in jobs)
        {
            AddJob(job.WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: true)));
        }

        AddColumn(StatisticColumn.P50, StatisticColumn.P95, new P99Column());
    }

    /// <summary>One invocation per iteration (each a whole scenario), so the percentiles are over scenarios.</summary>
    protected static Job Scenario(int warmups, int iterations) =>
        Job.Dry.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(warmups).WithIterationCount(iterations).WithInvocationCount(1).WithUnrollFactor(1);

    /// <summary>The 99th percentile of the measurements, from <see cref="BenchmarkDotNet.Mathematics.Statistics"/>.</summary>
    private sealed class P99Column : IColumn
    {
        public string Id => "P99";

        public string ColumnName => "P99";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Statistics;

        public int PriorityInCategory => 100;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Time;

        public string Legend => "Percentile 99";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var statistics = summary[benchmarkCase]?.ResultStatistics;
            if (statistics is null)
            {
                return "NA";
            }

            var nanoseconds = statistics.Percentiles.Percentile(99);
            return (nanoseconds / 1000.0).ToString("N1", CultureInfo.InvariantCulture) + " us";
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}

/// <summary>Benchmark 1: ten full applies after two warm-ups.</summary>
public sealed class ScaleApplyConfig() : ScaleConfig(Scenario(2, 10));

/// <summary>Benchmark 2: BenchmarkDotNet's short job (3 warm-ups, 3 iterations of many invocations).</summary>
public sealed class ScalePushConfig() : ScaleConfig(Job.ShortRun);

/// <summary>
/// Benchmark 3: 200 pushes after warm-up pushes enough for tiered compilation to settle (it recompiles a method in the
/// background after 30 calls and 100 ms without new compilations: with 10 warm-ups, those compilations fell among the
/// measured pushes): 100 without the forced collection (a push takes a few milliseconds), 30 with it (each takes a
/// collection of about 0.3 s). Twice: with BenchmarkDotNet's full blocking collection before
/// every push (its default hygiene for an iteration: here a ~1 GB heap of FakePilot's and the client's state is
/// collected and every thread parked before each push, which no app does between two of Pilot's pushes), and without
/// it (the app's own collections still happen as its allocations cause them).
/// </summary>
public sealed class ScalePropagationConfig() : ScaleConfig(
    Scenario(30, 200).WithId("ForcedGcBeforePush"),
    Scenario(100, 200).WithGcForce(false).WithId("NoForcedGc"));

/// <summary>Benchmark 4: 20 cold starts after 3 warm-up starts.</summary>
public sealed class ScaleColdStartConfig() : ScaleConfig(Scenario(3, 20));
