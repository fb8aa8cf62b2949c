using System.Globalization;
using BenchmarkDotNet.Running;
using MeshClient.Benchmarks.Http;

if (args is ["--alloc-by-type", .. var rest])
{
    await AllocationByTypeProfile.RunAsync(rest is [var count] ? int.Parse(count, CultureInfo.InvariantCulture) : 100_000);
    return;
}

if (args is ["--sequential-rounds", .. var roundArgs])
{
    await SequentialCostRounds.RunAsync(
        roundArgs is [var rounds, ..] ? int.Parse(rounds, CultureInfo.InvariantCulture) : 300,
        roundArgs is [_, var calls] ? int.Parse(calls, CultureInfo.InvariantCulture) : 50);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
