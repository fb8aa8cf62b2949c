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

if (args is ["--cpu-per-call", .. var cpuArgs])
{
    await HttpCpuPerCall.RunAsync(
        cpuArgs is [var rounds, ..] ? int.Parse(rounds, CultureInfo.InvariantCulture) : 40,
        cpuArgs is [_, var batch, ..] ? int.Parse(batch, CultureInfo.InvariantCulture) : 400);
    return;
}

if (args is ["--cpu-loop", var loopColumn, var loopProtocol, var loopSeconds])
{
    await HttpCpuPerCall.LoopAsync(
        int.Parse(loopColumn, CultureInfo.InvariantCulture),
        Enum.Parse<Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols>(loopProtocol),
        double.Parse(loopSeconds, CultureInfo.InvariantCulture));
    return;
}

if (args is ["--propagation-trace", var tracePushes, var traceProtocol, .. var traceRest])
{
    await MeshClient.Benchmarks.Scale.PropagationTrace.RunAsync(
        int.Parse(tracePushes, CultureInfo.InvariantCulture),
        Enum.Parse<MeshClient.XdsProtocol>(traceProtocol),
        traceRest is [var warmups] ? int.Parse(warmups, CultureInfo.InvariantCulture) : 100);
    return;
}

if (args is ["--retained-by-type"])
{
    MeshClient.Benchmarks.Scale.RetainedByType.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
