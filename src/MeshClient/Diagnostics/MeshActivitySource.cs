using System.Diagnostics;

namespace MeshClient.Diagnostics;

/// <summary>The <c>MeshClient</c> activity source: routing decisions are recorded as activities tagged with service, rule, subset and endpoint.</summary>
internal static class MeshActivitySource
{
    /// <summary>The source name, for OpenTelemetry's <c>AddSource</c>.</summary>
    public const string Name = "MeshClient";

    public static ActivitySource Instance { get; } = new(Name, "0.1.0");
}
