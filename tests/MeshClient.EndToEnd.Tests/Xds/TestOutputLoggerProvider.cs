using Xunit.Abstractions;
using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace MeshClient.EndToEnd.Tests.Xds;

/// <summary>
/// Writes log messages to the test's output, so a failing end-to-end test shows what client and Pilot did, and keeps
/// them for assertions.
/// </summary>
internal sealed class TestOutputLoggerProvider(ITestOutputHelper output) : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    /// <summary>Every message logged so far.</summary>
    public IReadOnlyCollection<LogEntry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new TestOutputLogger(output, categoryName[(categoryName.LastIndexOf('.') + 1)..], _entries);

    public void Dispose()
    {
    }

    private sealed class TestOutputLogger(ITestOutputHelper output, string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            entries.Enqueue(new LogEntry(category, logLevel, message));
            try
            {
                var time = DateTime.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
                output.WriteLine($"{time} {logLevel,-11} {category}: {message}{(exception is null ? string.Empty : Environment.NewLine + exception)}");
            }
            catch (InvalidOperationException)
            {
                // The test has finished and its output is closed.
            }
        }
    }
}
