using System.Globalization;
using BenchmarkDotNet.Running;
using MeshClient.Benchmarks.Http;

if (args is ["--alloc-by-type", .. var rest])
{
    await AllocationByTypeProfile.RunAsync(rest is [var count] ? int.Parse(count, CultureInfo.InvariantCulture) : 100_000);
    return;
}

if (args is ["--retained-by-type"])
{
    MeshClient.Benchmarks.Scale.RetainedByType.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
