using MeshClient.Tests.Routing;
using Microsoft.Extensions.Logging;

namespace MeshClient.Tests.DependencyInjection;

/// <summary>Hands one <see cref="RecordingLogger"/> to every category.</summary>
internal sealed class RecordingLoggerProvider(RecordingLogger logger) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => logger;

    public void Dispose()
    {
    }
}
