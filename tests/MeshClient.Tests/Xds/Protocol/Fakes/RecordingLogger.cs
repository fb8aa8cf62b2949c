using Microsoft.Extensions.Logging;
using MeshClient.Tests.Routing;

namespace MeshClient.Tests.Xds.Protocol.Fakes;

/// <summary>A typed logger that keeps what it is given, for asserting on log output.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly RecordingLogger _inner = new();

    public IReadOnlyCollection<RecordingLogger.LogEntry> Entries => _inner.Entries;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _inner.Log(logLevel, eventId, state, exception, formatter);
}
