using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MeshClient.Tests.Routing;

/// <summary>A logger that keeps what it is given, for asserting on log output.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyCollection<LogEntry> Entries => _entries.ToArray();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue(new LogEntry(logLevel, eventId, formatter(state, exception), exception));

    internal sealed record LogEntry(LogLevel Level, EventId EventId, string Message, Exception? Exception = null);
}
