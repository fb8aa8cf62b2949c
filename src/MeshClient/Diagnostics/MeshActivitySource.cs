using System.Diagnostics;

namespace MeshClient.Diagnostics;

/// <summary>The <c>MeshClient</c> activity source: routing decisions are recorded as activities tagged with service, rule, subset and endpoint.</summary>
internal static class MeshActivitySource
{
    public static ActivitySource Instance { get; } = new(
        MeshTelemetry.ActivitySourceName,
        typeof(MeshActivitySource).Assembly.GetName().Version?.ToString(3));
}
