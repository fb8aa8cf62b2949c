using Microsoft.Extensions.Logging;

namespace MeshClient.EndToEnd.Tests.Xds;

/// <summary>One log message: the short category name (<c>AdsClient</c>), level and text.</summary>
internal sealed record LogEntry(string Category, LogLevel Level, string Message);
