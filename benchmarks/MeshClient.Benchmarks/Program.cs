using System.Globalization;
using BenchmarkDotNet.Running;
using MeshClient.Benchmarks.Http;

if (args is ["--alloc-by-type", .. var rest])
{
    await AllocationByTypeProfile.RunAsync(rest is [var count] ? int.Parse(count, CultureInfo.InvariantCulture) : 100_000);
    return;
}

if (args is ["--cost-rounds", .. var roundArgs])
{
    await HttpCostRounds.RunAsync(
        roundArgs is [var rounds, ..] ? int.Parse(rounds, CultureInfo.InvariantCulture) : 300,
        roundArgs is [_, var calls, ..] ? int.Parse(calls, CultureInfo.InvariantCulture) : 50,
        roundArgs is [_, _, var inFlight] ? int.Parse(inFlight, CultureInfo.InvariantCulture) : 1);
    return;
}

if (args is ["--retained-by-type"])
{
    MeshClient.Benchmarks.Scale.RetainedByType.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
