using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace MeshClient.Benchmarks.Scale;

/// <summary>The size of the CDS response a case receives (one gRPC message, without the 5-byte frame prefix).</summary>
internal sealed class DeltaBytesReceivedColumn : IColumn
{
    public string Id => nameof(DeltaBytesReceivedColumn);

    public string ColumnName => "Bytes received";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Size;

    public string Legend => "Size of the CDS response that adds one cluster (protobuf bytes)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var protocol = (XdsProtocol)benchmarkCase.Parameters[nameof(ScaleDeltaBenchmarks.Protocol)];
        var clusters = (int)benchmarkCase.Parameters[nameof(ScaleDeltaBenchmarks.Clusters)];
        return DeltaScaleMesh.AddOneCluster(protocol, clusters, "1").Length.ToString("N0", CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
